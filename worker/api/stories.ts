import { apiRouter } from "./router";

export const storiesApi = apiRouter();
