import { apiRouter } from "./router";

export const groupsApi = apiRouter();
