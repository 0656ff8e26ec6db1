import { apiRouter } from "./router";

/** Conversations: inbox, start, members, history and sending over HTTP (docs/chat.md). */
export const conversationsApi = apiRouter();
