import { apiRouter } from "./router";

/** Chat tickets (`POST /conversations/:id/ticket`) and the WebSocket upgrade door (docs/chat.md). */
export const chatTicketsApi = apiRouter();

/** `GET /ws/conversations/:id?ticket=…&since=…`: FOUNDATION SKELETON, built by the chat work. */
export async function chatLive(): Promise<Response> {
  return new Response(null, { status: 404 });
}
