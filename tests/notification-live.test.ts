import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { LiveMessage } from "../durable-objects/notification-hub";
import { api, BASE, member } from "./accounts";
import { notifyNow } from "./notification-factory";
import { signIn } from "./pages";
import { seedWorld } from "./world";

beforeAll(seedWorld);

let n = 0;
const handle = (prefix: string) => `${prefix}${Date.now().toString(36)}${(n += 1)}`.slice(0, 30);

/** Opens the live channel as a browser tab would, or returns the refusal. */
async function connect(headers: Record<string, string>): Promise<{ res: Response; socket: WebSocket | null }> {
  const res = await SELF.fetch(`${BASE}/ws/notifications`, { headers: { Upgrade: "websocket", ...headers } });
  const socket = res.webSocket;
  if (!socket) return { res, socket: null };
  socket.accept();
  return { res, socket };
}

/** The next message the socket receives (generous timeout: this is about arrival, not speed). */
function nextMessage(socket: WebSocket, timeoutMs = 10_000): Promise<LiveMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no live message within the timeout")), timeoutMs);
    socket.addEventListener(
      "message",
      (event) => {
        clearTimeout(timer);
        resolve(JSON.parse(String(event.data)) as LiveMessage);
      },
      { once: true },
    );
  });
}

const origin = () => ({ Origin: env.APP_ORIGIN });

describe("live notifications", () => {
  it("delivers a new notification with the unread count to an open tab", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ displayName: "Beto", handle: handle("beto") })]);
    const { res, socket } = await connect({ Authorization: `Bearer ${ana.accessToken}`, ...origin() });
    expect(res.status).toBe(101);
    const arriving = nextMessage(socket!);
    const started = Date.now();
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    const message = await arriving;
    console.info(`live notification latency in workerd: ${Date.now() - started} ms (notify() call to message)`);
    expect(message).toMatchObject({ type: "notification", unreadCount: 1, item: { type: "follow", actor: { handle: beto.user.handle, displayName: "Beto" }, subject: { url: `/people/${beto.user.handle}` } } });
    socket!.close();
  });

  it("delivers a follow made through the API, while the follow request is still being answered", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ displayName: "Beto", handle: handle("beto") })]);
    const { socket } = await connect({ Authorization: `Bearer ${ana.accessToken}`, ...origin() });
    const arriving = nextMessage(socket!);
    const started = Date.now();
    const res = await api(`/users/${ana.user.handle}/follow`, { method: "POST", token: beto.accessToken });
    expect(res.status).toBeLessThan(300);
    const message = await arriving;
    console.info(`live follow latency in workerd: ${Date.now() - started} ms (POST /follow sent to message)`);
    expect(message).toMatchObject({ type: "notification", item: { type: "follow", actor: { handle: beto.user.handle } } });
    socket!.close();
  });

  it("delivers to every open tab of the member, and only theirs", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ handle: handle("beto") })]);
    const cookie = await signIn(ana);
    const tab1 = await connect({ Cookie: cookie, ...origin() });
    const tab2 = await connect({ Cookie: cookie, ...origin() });
    const other = await connect({ Authorization: `Bearer ${beto.accessToken}`, ...origin() });
    expect([tab1.res.status, tab2.res.status, other.res.status]).toEqual([101, 101, 101]);
    let betoHeard = false;
    other.socket!.addEventListener("message", () => (betoHeard = true));
    const both = Promise.all([nextMessage(tab1.socket!), nextMessage(tab2.socket!)]);
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    const [m1, m2] = await both;
    expect(m1.type).toBe("notification");
    expect(m2).toEqual(m1);
    // Beto's hub was never called: give a wrongly routed message the same time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(betoHeard).toBe(false);
    for (const s of [tab1.socket, tab2.socket, other.socket]) s!.close();
  });

  it("tells the other tabs the new count when notifications are marked read", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ handle: handle("beto") })]);
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    const { socket } = await connect({ Authorization: `Bearer ${ana.accessToken}`, ...origin() });
    const arriving = nextMessage(socket!);
    expect((await api("/notifications/read", { method: "POST", token: ana.accessToken, json: { all: true } })).status).toBe(200);
    expect(await arriving).toEqual({ type: "read", unreadCount: 0 });
    socket!.close();
  });

  it("refuses a socket without a session (401)", async () => {
    const { res, socket } = await connect(origin());
    expect(socket).toBeNull();
    expect(res.status).toBe(401);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  });

  it("refuses a socket with a forged or expired token (401)", async () => {
    const { res } = await connect({ Authorization: "Bearer not.a.token", ...origin() });
    expect(res.status).toBe(401);
  });

  it("refuses a cookie-authenticated socket opened from another site (403)", async () => {
    const ana = await member({ handle: handle("ana") });
    const cookie = await signIn(ana);
    const foreign = await connect({ Cookie: cookie, Origin: "https://evil.example" });
    expect(foreign.socket).toBeNull();
    expect(foreign.res.status).toBe(403);
    const noOrigin = await connect({ Cookie: cookie });
    expect(noOrigin.res.status).toBe(403);
    const bearerForeign = await connect({ Authorization: `Bearer ${ana.accessToken}`, Origin: "https://evil.example" });
    expect(bearerForeign.res.status).toBe(403);
  });

  it("lets an API client with a bearer token connect without an Origin", async () => {
    const ana = await member({ handle: handle("ana") });
    const { res, socket } = await connect({ Authorization: `Bearer ${ana.accessToken}` });
    expect(res.status).toBe(101);
    socket!.close();
  });

  it("answers 426 to a plain GET", async () => {
    const ana = await member({ handle: handle("ana") });
    const res = await SELF.fetch(`${BASE}/ws/notifications`, { headers: { Authorization: `Bearer ${ana.accessToken}` } });
    expect(res.status).toBe(426);
  });

  it("answers ping with pong, so tabs can check the line", async () => {
    const ana = await member({ handle: handle("ana") });
    const { socket } = await connect({ Authorization: `Bearer ${ana.accessToken}`, ...origin() });
    const pong = new Promise<string>((resolve) => socket!.addEventListener("message", (event) => resolve(String(event.data)), { once: true }));
    socket!.send("ping");
    expect(await pong).toBe("pong");
    socket!.close();
  });

  it("never lets a hub accept a socket for another member", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ handle: handle("beto") })]);
    await connect({ Authorization: `Bearer ${ana.accessToken}`, ...origin() }).then(({ socket }) => socket!.close());
    const anasHub = env.NOTIFICATION_HUB.get(env.NOTIFICATION_HUB.idFromName(ana.user.id));
    const res = await anasHub.fetch("https://hub/", { headers: { Upgrade: "websocket", "X-Notification-Member": beto.user.id } });
    expect(res.status).toBe(403);
  });
});
