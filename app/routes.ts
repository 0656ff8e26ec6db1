import { type RouteConfig, index, route } from "@react-router/dev/routes";

export default [
  index("routes/home.tsx"),
  route("events", "routes/events.tsx"),
  route("community", "routes/coming-soon.tsx", { id: "community" }),
  route("messages", "routes/coming-soon.tsx", { id: "messages" }),
  route("housing", "routes/coming-soon.tsx", { id: "housing" }),
  route("login", "routes/login.tsx"),
  route("signup", "routes/signup.tsx"),
  route("logout", "routes/logout.tsx"),
  route("verify-email", "routes/verify-email.tsx"),
  route("forgot-password", "routes/forgot-password.tsx"),
  route("reset-password", "routes/reset-password.tsx"),
  route("people/:handle", "routes/people.$handle.tsx"),
  route("settings/profile", "routes/settings.profile.tsx"),
  route("settings/account", "routes/settings.account.tsx"),
  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
