import { type RouteConfig, index, route } from "@react-router/dev/routes";

export default [
  index("routes/home.tsx"),
  route("events", "routes/events.tsx"),
  route("community", "routes/coming-soon.tsx", { id: "community" }),
  route("messages", "routes/coming-soon.tsx", { id: "messages" }),
  route("housing", "routes/coming-soon.tsx", { id: "housing" }),
  route("login", "routes/coming-soon.tsx", { id: "login" }),
  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
