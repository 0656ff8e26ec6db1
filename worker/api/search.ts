import { apiRouter } from "./router";

export const searchApi = apiRouter();
