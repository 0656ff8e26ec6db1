import { apiRouter } from "./router";

export const postsApi = apiRouter();
