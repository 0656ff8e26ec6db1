export * from "./cities";
export * from "./venues";
export * from "./users";
export * from "./events";
