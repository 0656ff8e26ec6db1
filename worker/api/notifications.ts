import { apiRouter } from "./router";

export const notificationsApi = apiRouter();
