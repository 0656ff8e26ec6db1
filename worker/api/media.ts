import { apiRouter } from "./router";

export const mediaApi = apiRouter();
