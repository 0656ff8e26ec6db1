import { apiRouter } from "./router";

export const socialApi = apiRouter();
