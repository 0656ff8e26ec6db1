export * from "./cities";
export * from "./venues";
export * from "./users";
export * from "./events";
export * from "./sessions";
export * from "./email-tokens";
export * from "./dev-mail";
