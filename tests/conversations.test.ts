import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetailDto, ConversationDto, InboxPage } from "../worker/schemas/conversations";
import { api } from "./accounts";
import { startDirect, startGroup } from "./chat-fixtures";
import { createEvent } from "./event-factory";
import { block, dancer, type Member } from "./post-factory";
import { seedWorld } from "./world";

beforeAll(seedWorld);

interface Problem {
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

async function start(by: Member, json: unknown): Promise<Response> {
  return api("/conversations", { method: "POST", token: by.accessToken, json });
}

const direct = startDirect;
const groupOf = startGroup;

async function inbox(of: Member, query = ""): Promise<InboxPage> {
  const res = await api(`/conversations${query}`, { token: of.accessToken });
  expect(res.status).toBe(200);
  return res.json<InboxPage>();
}

async function detail(of: Member, id: string): Promise<ConversationDetailDto> {
  const res = await api(`/conversations/${id}`, { token: of.accessToken });
  expect(res.status).toBe(200);
  return res.json<ConversationDetailDto>();
}

async function rowCount(sql: string, ...params: unknown[]): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${sql}`).bind(...params).first<{ n: number }>())!.n;
}

describe("direct conversations", () => {
  it("are the same conversation whoever starts them: 201 the first time, 200 after", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const first = await start(ana, { type: "direct", with: ben.user.handle });
    expect(first.status).toBe(201);
    const created = await first.json<ConversationDto>();
    expect(created).toMatchObject({ type: "direct", title: "ben", memberCount: 2, unreadCount: 0, canSend: true, myRole: "member", muted: false, lastMessage: null });
    expect(created.other).toMatchObject({ id: ben.user.id, handle: ben.user.handle, displayName: "ben" });
    const again = await start(ben, { type: "direct", with: `@${ana.user.handle.toUpperCase()}` });
    expect(again.status).toBe(200);
    const fromBen = await again.json<ConversationDto>();
    expect(fromBen.id).toBe(created.id);
    expect(fromBen.title).toBe("ana");
    expect((await start(ana, { type: "direct", with: ben.user.handle })).status).toBe(200);
  });

  it("started by both members at the same moment end as one row", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? start(ana, { type: "direct", with: ben.user.handle }) : start(ben, { type: "direct", with: ana.user.handle }))));
    const bodies = await Promise.all(responses.map((r) => r.json<ConversationDto>()));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(responses.filter((r) => r.status === 201).length).toBe(1);
    expect(responses.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    const key = [ana.user.id, ben.user.id].sort().join(":");
    expect(await rowCount("conversations WHERE direct_key = ?", key)).toBe(1);
    expect(await rowCount("conversation_members WHERE conversation_id = ?", bodies[0]!.id)).toBe(2);
  });

  it("are refused (403, and no conversation made) when either member blocked the other", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    await block(ana, ben);
    await block(cai, ana);
    for (const [from, to] of [
      [ana, ben],
      [ben, ana],
      [ana, cai],
      [cai, ana],
    ] as const) {
      const res = await start(from, { type: "direct", with: to.user.handle });
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await rowCount("conversations WHERE direct_key IN (?, ?)", [ana.user.id, ben.user.id].sort().join(":"), [ana.user.id, cai.user.id].sort().join(":"))).toBe(0);
  });

  it("with yourself or with an unknown handle: 422 naming `with`", async () => {
    const ana = await dancer("ana");
    for (const handle of [ana.user.handle, "nobody_here_at_all"]) {
      const res = await start(ana, { type: "direct", with: handle });
      expect(res.status).toBe(422);
      expect((await res.json<Problem>()).errors?.map((e) => e.path)).toEqual(["with"]);
    }
  });

  it("need a signed-in member with a confirmed email", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    expect((await api("/conversations", { method: "POST", json: { type: "direct", with: ben.user.handle } })).status).toBe(401);
    await env.DB.prepare("UPDATE users SET email_verified_at = NULL WHERE id = ?").bind(ana.user.id).run();
    expect((await start(ana, { type: "direct", with: ben.user.handle })).status).toBe(403);
  });

  it("stay in the inbox after the other member deleted their account, as 'Deleted member' where nobody can send", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const conversation = await direct(ana, ben);
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(ben.user.id).run();
    const line = (await inbox(ana)).data.find((c) => c.id === conversation.id);
    expect(line).toMatchObject({ type: "direct", other: null, title: "Deleted member", canSend: false, memberCount: 1 });
    const send = await api(`/conversations/${conversation.id}/messages`, { method: "POST", token: ana.accessToken, json: { clientId: "c1", body: "hello?" } });
    expect(send.status).toBe(403);
  });

  it("can't be left, extended or renamed (409)", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    const { id } = await direct(ana, ben);
    expect((await api(`/conversations/${id}/leave`, { method: "POST", token: ana.accessToken })).status).toBe(409);
    expect((await api(`/conversations/${id}/members/${ana.user.handle}`, { method: "DELETE", token: ana.accessToken })).status).toBe(409);
    expect((await api(`/conversations/${id}/members/${ben.user.handle}`, { method: "DELETE", token: ana.accessToken })).status).toBe(409);
    expect((await api(`/conversations/${id}/members`, { method: "POST", token: ana.accessToken, json: { handles: [cai.user.handle] } })).status).toBe(409);
    expect((await api(`/conversations/${id}`, { method: "PATCH", token: ana.accessToken, json: { title: "Us" } })).status).toBe(409);
    expect(await rowCount("conversation_members WHERE conversation_id = ?", id)).toBe(2);
  });
});

describe("group conversations", () => {
  it("make the creator admin; handles are deduplicated, @ and case forgiven, the creator's own ignored", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    const res = await start(ana, { type: "group", title: "  Tanda club  ", members: [ben.user.handle, `@${ben.user.handle.toUpperCase()}`, cai.user.handle, ana.user.handle] });
    expect(res.status).toBe(201);
    const group = await res.json<ConversationDto>();
    expect(group).toMatchObject({ type: "group", title: "Tanda club", myRole: "admin", memberCount: 3, other: null, event: null, canSend: true });
    const { members } = await detail(ben, group.id);
    expect(members.map((m) => [m.handle, m.role])).toEqual([
      [ana.user.handle, "admin"],
      [ben.user.handle, "member"],
      [cai.user.handle, "member"],
    ]);
  });

  it("refuse unknown handles and members with a block either way, naming each (`members.N`), and make nothing", async () => {
    const [ana, ben, cai, dee] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai"), dancer("dee")]);
    await block(ana, cai);
    await block(dee, ana);
    const res = await start(ana, { type: "group", title: "Blocked", members: [ben.user.handle, cai.user.handle, "no_such_dancer_x", dee.user.handle] });
    expect(res.status).toBe(422);
    const problem = await res.json<Problem>();
    expect(problem.errors?.map((e) => e.path)).toEqual(["members.1", "members.2", "members.3"]);
    expect(problem.errors?.[1]?.message).toContain("no_such_dancer_x");
    expect(await rowCount("conversations WHERE created_by = ?", ana.user.id)).toBe(0);
  });

  it("need someone besides the creator, at most 100 members, and a title", async () => {
    const ana = await dancer("ana");
    const alone = await start(ana, { type: "group", title: "Me", members: [ana.user.handle] });
    expect(alone.status).toBe(422);
    expect((await alone.json<Problem>()).errors?.[0]?.path).toBe("members");
    const tooMany = await start(ana, { type: "group", title: "Crowd", members: Array.from({ length: 100 }, (_, i) => `dancer_${i}`) });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json<Problem>()).errors?.[0]?.path).toBe("members");
    for (const title of ["", "   ", "x".repeat(81), "bad\u0007title", 42]) {
      const res = await start(ana, { type: "group", title, members: ["someone_else"] });
      expect(res.status, String(title)).toBe(400);
      expect((await res.json<Problem>()).errors?.[0]?.path).toBe("title");
    }
  });

  it("admins rename and add; members get 403 for both; muting is anyone's, for themself", async () => {
    const [ana, ben, cai, dee] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai"), dancer("dee")]);
    const { id } = await groupOf(ana, [ben, cai]);
    expect((await api(`/conversations/${id}`, { method: "PATCH", token: ben.accessToken, json: { title: "Mine now" } })).status).toBe(403);
    expect((await api(`/conversations/${id}/members`, { method: "POST", token: ben.accessToken, json: { handles: [dee.user.handle] } })).status).toBe(403);
    const renamed = await api(`/conversations/${id}`, { method: "PATCH", token: ana.accessToken, json: { title: "Carpool" } });
    expect(renamed.status).toBe(200);
    expect((await renamed.json<ConversationDetailDto>()).title).toBe("Carpool");

    const added = await api(`/conversations/${id}/members`, { method: "POST", token: ana.accessToken, json: { handles: [dee.user.handle, ben.user.handle] } });
    expect(added.status).toBe(200);
    expect((await added.json<ConversationDetailDto>()).memberCount).toBe(4);

    const muted = await api(`/conversations/${id}`, { method: "PATCH", token: ben.accessToken, json: { muted: true } });
    expect(muted.status).toBe(200);
    expect((await muted.json<ConversationDetailDto>()).muted).toBe(true);
    expect((await inbox(ben)).data.find((c) => c.id === id)?.muted).toBe(true);
    expect((await inbox(ana)).data.find((c) => c.id === id)?.muted).toBe(false);
    // A member's rename is refused whole: their mute in the same request is not applied.
    expect((await api(`/conversations/${id}`, { method: "PATCH", token: cai.accessToken, json: { title: "x", muted: true } })).status).toBe(403);
    expect((await inbox(cai)).data.find((c) => c.id === id)?.muted).toBe(false);
  });

  it("adding refuses unknown members and blocks either way with the adder (422 `handles.N`)", async () => {
    const [ana, ben, cai, dee] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai"), dancer("dee")]);
    const { id } = await groupOf(ana, [ben]);
    await block(cai, ana);
    const res = await api(`/conversations/${id}/members`, { method: "POST", token: ana.accessToken, json: { handles: [dee.user.handle, cai.user.handle, "ghost_dancer_zz"] } });
    expect(res.status).toBe(422);
    expect((await res.json<Problem>()).errors?.map((e) => e.path)).toEqual(["handles.1", "handles.2"]);
    expect(await rowCount("conversation_members WHERE conversation_id = ?", id)).toBe(2);
  });

  it("hold at most 100 members", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const { id } = await groupOf(ana, [ben]);
    const now = new Date().toISOString();
    const extra = Array.from({ length: 99 }, (_, i) => ({ id: crypto.randomUUID(), handle: `bulk_${Date.now().toString(36)}_${i}` }));
    await env.DB.batch(
      extra.map((u) => env.DB.prepare("INSERT INTO users (id, email, handle, display_name, created_at) VALUES (?, ?, ?, ?, ?)").bind(u.id, `${u.handle}@example.test`, u.handle, u.handle, now)),
    );
    const first = await api(`/conversations/${id}/members`, { method: "POST", token: ana.accessToken, json: { handles: extra.slice(0, 98).map((u) => u.handle) } });
    expect(first.status).toBe(200);
    expect((await first.json<ConversationDetailDto>()).memberCount).toBe(100);
    const over = await api(`/conversations/${id}/members`, { method: "POST", token: ana.accessToken, json: { handles: [extra[98]!.handle] } });
    expect(over.status).toBe(422);
    expect((await over.json<Problem>()).errors?.[0]?.path).toBe("handles");
    expect(await rowCount("conversation_members WHERE conversation_id = ?", id)).toBe(100);
  });

  it("admins remove others; members can't (403); anyone removes themself", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    const { id } = await groupOf(ana, [ben, cai]);
    expect((await api(`/conversations/${id}/members/${cai.user.handle}`, { method: "DELETE", token: ben.accessToken })).status).toBe(403);
    expect((await api(`/conversations/${id}/members/${cai.user.handle}`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect((await api(`/conversations/${id}/members/${cai.user.handle}`, { method: "DELETE", token: ana.accessToken })).status).toBe(404);
    expect((await api(`/conversations/${id}`, { token: cai.accessToken })).status).toBe(404);
    expect((await api(`/conversations/${id}/members/${ben.user.handle}`, { method: "DELETE", token: ben.accessToken })).status).toBe(204);
    expect((await detail(ana, id)).members.map((m) => m.handle)).toEqual([ana.user.handle]);
    expect((await inbox(ben)).data.some((c) => c.id === id)).toBe(false);
  });

  it("pass to the longest-standing member when the last admin leaves", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    const { id } = await groupOf(ana, [ben]);
    await env.DB.prepare("UPDATE conversation_members SET joined_at = '2020-01-01T00:00:00.000Z' WHERE conversation_id = ? AND user_id = ?").bind(id, ben.user.id).run();
    await api(`/conversations/${id}/members`, { method: "POST", token: ana.accessToken, json: { handles: [cai.user.handle] } });
    expect((await api(`/conversations/${id}/leave`, { method: "POST", token: ana.accessToken })).status).toBe(204);
    const { members } = await detail(ben, id);
    expect(members.map((m) => [m.handle, m.role])).toEqual([
      [ben.user.handle, "admin"],
      [cai.user.handle, "member"],
    ]);
    expect((await api(`/conversations/${id}/leave`, { method: "POST", token: ana.accessToken })).status).toBe(404);
  });

  it("keep an admin when the only one deleted their account: the longest-standing member may act", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    const { id } = await groupOf(ana, [ben, cai]);
    await env.DB.prepare("UPDATE conversation_members SET joined_at = '2020-01-01T00:00:00.000Z' WHERE conversation_id = ? AND user_id = ?").bind(id, cai.user.id).run();
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(ana.user.id).run();
    expect((await api(`/conversations/${id}`, { method: "PATCH", token: ben.accessToken, json: { title: "Orphan" } })).status).toBe(403);
    expect((await api(`/conversations/${id}`, { method: "PATCH", token: cai.accessToken, json: { title: "Adopted" } })).status).toBe(200);
  });

  it("the last member leaving leaves nobody able to reach it", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const { id } = await groupOf(ana, [ben]);
    expect((await api(`/conversations/${id}/leave`, { method: "POST", token: ben.accessToken })).status).toBe(204);
    expect((await api(`/conversations/${id}/leave`, { method: "POST", token: ana.accessToken })).status).toBe(204);
    expect(await rowCount("conversation_members WHERE conversation_id = ?", id)).toBe(0);
    for (const who of [ana, ben]) expect((await api(`/conversations/${id}`, { token: who.accessToken })).status).toBe(404);
  });
});

describe("the inbox", () => {
  it("lists newest activity first, page by page, with nothing repeated or skipped", async () => {
    const [ana, ...others] = await Promise.all([dancer("ana"), dancer("b1"), dancer("b2"), dancer("b3"), dancer("b4"), dancer("b5")]);
    const ids: string[] = [];
    for (const other of others) ids.push((await direct(ana, other)).id);
    // Activity as the room records it: the second conversation has the newest message.
    await env.DB.prepare("UPDATE conversations SET last_activity_at = ?, last_seq = 1, message_count = 1, last_message_at = ?, last_sender_id = ?, last_preview = 'See you tonight' WHERE id = ?")
      .bind("2999-01-01T00:00:00.000Z", "2999-01-01T00:00:00.000Z", others[1]!.user.id, ids[1])
      .run();
    const expected = [ids[1], ids[4], ids[3], ids[2], ids[0]];
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: InboxPage = await inbox(ana, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);
    const first = (await inbox(ana, "?limit=1")).data[0]!;
    expect(first.lastMessage).toEqual({ seq: 1, preview: "See you tonight", senderId: others[1]!.user.id, sentAt: "2999-01-01T00:00:00.000Z" });
    expect(first.unreadCount).toBe(1);
  });

  it("counts unread per conversation from the room's counts, and unread conversations except muted ones", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    const withBen = await direct(ana, ben);
    const group = await groupOf(cai, [ana, ben]);
    await env.DB.prepare("UPDATE conversations SET message_count = 5, last_seq = 5 WHERE id IN (?, ?)").bind(withBen.id, group.id).run();
    await env.DB.prepare("UPDATE conversation_members SET read_seq = 3, read_count = 3 WHERE conversation_id = ? AND user_id = ?").bind(withBen.id, ana.user.id).run();
    let page = await inbox(ana);
    expect(page.data.find((c) => c.id === withBen.id)).toMatchObject({ unreadCount: 2, lastReadSeq: 3 });
    expect(page.data.find((c) => c.id === group.id)).toMatchObject({ unreadCount: 5, lastReadSeq: 0 });
    expect(page.unreadConversations).toBe(2);
    await api(`/conversations/${group.id}`, { method: "PATCH", token: ana.accessToken, json: { muted: true } });
    page = await inbox(ana);
    expect(page.data.find((c) => c.id === group.id)).toMatchObject({ unreadCount: 5, muted: true });
    expect(page.unreadConversations).toBe(1);
    // Never negative, even if a read count ran ahead.
    await env.DB.prepare("UPDATE conversation_members SET read_count = 9 WHERE conversation_id = ? AND user_id = ?").bind(withBen.id, ana.user.id).run();
    expect((await inbox(ana)).data.find((c) => c.id === withBen.id)?.unreadCount).toBe(0);
  });

  it("needs a signed-in member and refuses cursors it did not issue", async () => {
    const ana = await dancer("ana");
    expect((await api("/conversations")).status).toBe(401);
    for (const cursor of ["garbage", "eyJ4IjoxfQ", "%00"]) {
      const res = await api(`/conversations?cursor=${cursor}`, { token: ana.accessToken });
      expect(res.status).toBe(400);
      expect((await res.json<Problem>()).errors?.[0]?.path).toBe("cursor");
    }
  });
});

describe("outsiders", () => {
  it("get 404 on every /conversations/:id route of a direct or group conversation", async () => {
    const [ana, ben, eve] = await Promise.all([dancer("ana"), dancer("ben"), dancer("eve")]);
    const conversations = [await direct(ana, ben), await groupOf(ana, [ben])];
    for (const { id } of conversations) {
      const calls: [string, string, unknown?][] = [
        ["GET", `/conversations/${id}`],
        ["PATCH", `/conversations/${id}`, { muted: true }],
        ["POST", `/conversations/${id}/members`, { handles: [eve.user.handle] }],
        ["DELETE", `/conversations/${id}/members/${ben.user.handle}`],
        ["DELETE", `/conversations/${id}/members/${eve.user.handle}`],
        ["POST", `/conversations/${id}/leave`],
        ["GET", `/conversations/${id}/messages`],
        ["POST", `/conversations/${id}/messages`, { clientId: "x1", body: "let me in" }],
        ["POST", `/conversations/${id}/read`, { seq: 1 }],
      ];
      for (const [method, path, json] of calls) {
        const res = await api(path, { method, token: eve.accessToken, json });
        expect(res.status, `${method} ${path}`).toBe(404);
        const anonymous = await api(path, { method, json });
        expect(anonymous.status, `anonymous ${method} ${path}`).toBe(401);
      }
    }
    expect(await rowCount("conversation_members WHERE user_id = ?", eve.user.id)).toBe(0);
  });

  it("get 404 for ids that are not ids, and 400 for bad handles, seqs and bodies", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const { id } = await groupOf(ana, [ben]);
    for (const bad of ["nope", "1", "00000000-0000-0000-0000-000000000000", "%27%20OR%201=1"]) {
      expect((await api(`/conversations/${bad}`, { token: ana.accessToken })).status, bad).toBe(404);
    }
    expect((await api(`/conversations/${id}/members/${"x".repeat(40)}`, { method: "DELETE", token: ana.accessToken })).status).toBe(400);
    for (const seq of [-1, 1.5, "3", null, Number.MAX_SAFE_INTEGER + 2]) {
      const res = await api(`/conversations/${id}/read`, { method: "POST", token: ana.accessToken, json: { seq } });
      expect(res.status, String(seq)).toBe(400);
      expect((await res.json<Problem>()).errors?.[0]?.path).toBe("seq");
    }
    for (const before of ["0", "-1", "x", "1e3", "9".repeat(20)]) {
      expect((await api(`/conversations/${id}/messages?before=${before}`, { token: ana.accessToken })).status, before).toBe(400);
    }
    for (const json of [{ clientId: "a b", body: "hi" }, { clientId: "ok", body: "   " }, { clientId: "ok", body: "x".repeat(4001) }, { clientId: "ok", body: 5 }, { body: "hi" }]) {
      expect((await api(`/conversations/${id}/messages`, { method: "POST", token: ana.accessToken, json })).status, JSON.stringify(json).slice(0, 40)).toBe(400);
    }
    for (const json of [{}, { title: "x".repeat(200) }, { muted: "yes" }, { title: ["a"] }, { role: "admin" }]) {
      expect((await api(`/conversations/${id}`, { method: "PATCH", token: ana.accessToken, json })).status, JSON.stringify(json).slice(0, 40)).toBe(400);
    }
    for (const json of [{ type: "direct" }, { type: "channel", with: ben.user.handle }, { type: "direct", with: ben.user.handle, title: "x" }, { type: "group", title: "x", members: "all" }]) {
      expect((await start(ana, json)).status, JSON.stringify(json)).toBe(400);
    }
  });
});

describe("event rooms", () => {
  async function going(account: Member, eventId: string, status = "going"): Promise<void> {
    const now = new Date().toISOString();
    await env.DB.prepare("INSERT INTO rsvps (event_id, occurrence_key, user_id, status, registered_by, registered_at, updated_at) VALUES (?, '20990101T000000Z', ?, ?, ?, ?, ?)")
      .bind(eventId, account.user.id, status, account.user.id, now, now)
      .run();
  }

  it("are joined by going attendees and organizers; others get 403 saying how to become eligible", async () => {
    const { event, organizer } = await createEvent({ title: "Festival Tango Sur" });
    const [gus, ida, vic] = await Promise.all([dancer("gus"), dancer("ida"), dancer("vic")]);
    await going(gus, event.id);
    await going(ida, event.id, "interested");

    const before = await api(`/events/${event.id}/room`, { token: gus.accessToken });
    expect(await before.json()).toEqual({ conversationId: null, joined: false, canJoin: true });

    const refused = await api(`/events/${event.id}/room`, { method: "POST", token: ida.accessToken });
    expect(refused.status).toBe(403);
    expect((await refused.json<Problem>()).detail).toMatch(/going/);

    const joined = await api(`/events/${event.id}/room`, { method: "POST", token: gus.accessToken });
    expect(joined.status).toBe(200);
    const room = await joined.json<ConversationDto>();
    expect(room).toMatchObject({ type: "event", title: "Festival Tango Sur", event: { id: event.id, title: "Festival Tango Sur" }, memberCount: 1, myRole: "member" });

    const byOrganizer = await api(`/events/${event.id}/room`, { method: "POST", token: organizer.accessToken });
    expect((await byOrganizer.json<ConversationDto>()).id).toBe(room.id);
    const again = await api(`/events/${event.id}/room`, { method: "POST", token: gus.accessToken });
    expect((await again.json<ConversationDto>()).memberCount).toBe(2);

    expect(await (await api(`/events/${event.id}/room`, { token: gus.accessToken })).json()).toEqual({ conversationId: room.id, joined: true, canJoin: true });
    expect(await (await api(`/events/${event.id}/room`, { token: ida.accessToken })).json()).toEqual({ conversationId: room.id, joined: false, canJoin: false });

    // Not joined: 403 (the room is known to exist), on the room and on its history.
    for (const path of [`/conversations/${room.id}`, `/conversations/${room.id}/messages`]) {
      expect((await api(path, { token: vic.accessToken })).status, path).toBe(403);
    }
    expect((await inbox(gus)).data.find((c) => c.id === room.id)?.title).toBe("Festival Tango Sur");
  });

  it("are made once when the first attendees join at the same moment", async () => {
    const { event } = await createEvent();
    const dancers = await Promise.all([dancer("r1"), dancer("r2"), dancer("r3"), dancer("r4")]);
    for (const d of dancers) await going(d, event.id);
    const rooms = await Promise.all(dancers.map(async (d) => (await api(`/events/${event.id}/room`, { method: "POST", token: d.accessToken })).json<ConversationDto>()));
    expect(new Set(rooms.map((r) => r.id)).size).toBe(1);
    expect(await rowCount("conversations WHERE event_id = ?", event.id)).toBe(1);
    expect(await rowCount("conversation_members WHERE conversation_id = ?", rooms[0]!.id)).toBe(4);
  });

  it("take nobody new once the event is cancelled (409), and answer 404 for unknown events", async () => {
    const { event, organizer } = await createEvent();
    await env.DB.prepare("UPDATE events SET status = 'cancelled', cancelled_at = ? WHERE id = ?").bind(new Date().toISOString(), event.id).run();
    expect((await api(`/events/${event.id}/room`, { method: "POST", token: organizer.accessToken })).status).toBe(409);
    expect(await (await api(`/events/${event.id}/room`, { token: organizer.accessToken })).json()).toMatchObject({ canJoin: false });
    for (const id of ["nope", crypto.randomUUID()]) {
      expect((await api(`/events/${id}/room`, { method: "POST", token: organizer.accessToken })).status).toBe(404);
      expect((await api(`/events/${id}/room`, { token: organizer.accessToken })).status).toBe(404);
    }
    expect((await api(`/events/${event.id}/room`)).status).toBe(401);
  });

  it("can be left, not renamed or extended, and members can't remove each other", async () => {
    const { event, organizer } = await createEvent();
    const gus = await dancer("gus");
    await going(gus, event.id);
    const room = await (await api(`/events/${event.id}/room`, { method: "POST", token: organizer.accessToken })).json<ConversationDto>();
    await api(`/events/${event.id}/room`, { method: "POST", token: gus.accessToken });
    expect((await api(`/conversations/${room.id}`, { method: "PATCH", token: organizer.accessToken, json: { title: "Mine" } })).status).toBe(409);
    expect((await api(`/conversations/${room.id}/members`, { method: "POST", token: organizer.accessToken, json: { handles: [gus.user.handle] } })).status).toBe(409);
    expect((await api(`/conversations/${room.id}/members/${gus.user.handle}`, { method: "DELETE", token: organizer.accessToken })).status).toBe(409);
    expect((await api(`/conversations/${room.id}/leave`, { method: "POST", token: gus.accessToken })).status).toBe(204);
    expect((await api(`/conversations/${room.id}`, { token: gus.accessToken })).status).toBe(403);
    expect((await api(`/events/${event.id}/room`, { method: "POST", token: gus.accessToken })).status).toBe(200);
  });

  it("are closed to a member who stopped going, until they go again", async () => {
    const { event } = await createEvent();
    const gus = await dancer("gus");
    await going(gus, event.id);
    const room = await (await api(`/events/${event.id}/room`, { method: "POST", token: gus.accessToken })).json<ConversationDto>();
    await env.DB.prepare("UPDATE rsvps SET status = 'not_going' WHERE event_id = ? AND user_id = ?").bind(event.id, gus.user.id).run();
    expect((await api(`/conversations/${room.id}/messages`, { token: gus.accessToken })).status).toBe(403);
    expect((await api(`/conversations/${room.id}/messages`, { method: "POST", token: gus.accessToken, json: { clientId: "c1", body: "hi" } })).status).toBe(403);
  });
});

describe("blocks in a direct conversation", () => {
  it("close sending (HTTP 403, canSend false) and an unblock opens it again", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const { id } = await direct(ana, ben);
    const blocked = await api(`/users/${ben.user.handle}/block`, { method: "POST", token: ana.accessToken });
    expect(blocked.status).toBeLessThan(300);
    for (const who of [ana, ben]) {
      expect((await inbox(who)).data.find((c) => c.id === id)?.canSend).toBe(false);
      const res = await api(`/conversations/${id}/messages`, { method: "POST", token: who.accessToken, json: { clientId: "after-block", body: "hello" } });
      expect(res.status).toBe(403);
    }
    const unblocked = await api(`/users/${ben.user.handle}/block`, { method: "DELETE", token: ana.accessToken });
    expect(unblocked.status).toBeLessThan(300);
    expect((await inbox(ben)).data.find((c) => c.id === id)?.canSend).toBe(true);
  });
});

describe("hostile input from a signed-in member", () => {
  it("never gets a 500 from any chat route, only problem+json", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const { id } = await groupOf(ana, [ben]);
    const { event } = await createEvent();
    const ids = [id, event.id, encodeURIComponent("' OR 1=1 --"), "9".repeat(64), encodeURIComponent("🎉💃")];
    const bodies = [
      "",
      "{",
      "null",
      "[]",
      '"just a string"',
      JSON.stringify({ ["__proto__"]: { admin: true }, title: { $ne: 1 } }),
      JSON.stringify({ type: "group", title: "x".repeat(5000), members: Array.from({ length: 500 }, (_, i) => `h${i}`) }),
      JSON.stringify({ type: "direct", with: "\u0000" }),
      JSON.stringify({ handles: ["<script>", "' OR '1'='1"] }),
      JSON.stringify({ clientId: "x".repeat(65), body: "\u202Ehi" }),
      JSON.stringify({ clientId: "ok", body: "💃".repeat(4000) }),
      JSON.stringify({ seq: Number.MAX_VALUE }),
      '{"seq": 1e400}',
      JSON.stringify({ seq: -0 }),
      JSON.stringify({ muted: null, title: null }),
    ];
    const routes: [string, (id: string) => string][] = [
      ["POST", () => "/conversations"],
      ["GET", () => "/conversations?limit=0&cursor=%FF"],
      ["GET", (x) => `/conversations/${x}`],
      ["PATCH", (x) => `/conversations/${x}`],
      ["POST", (x) => `/conversations/${x}/members`],
      ["DELETE", (x) => `/conversations/${x}/members/${encodeURIComponent("<b>")}`],
      ["POST", (x) => `/conversations/${x}/leave`],
      ["GET", (x) => `/conversations/${x}/messages?before=${encodeURIComponent("1 OR 1")}&limit=1000`],
      ["POST", (x) => `/conversations/${x}/messages`],
      ["POST", (x) => `/conversations/${x}/read`],
      ["GET", (x) => `/events/${x}/room`],
      ["POST", (x) => `/events/${x}/room`],
    ];
    for (const [method, path] of routes) {
      for (const target of ids) {
        for (const body of method === "GET" ? [undefined] : bodies) {
          const res = await api(path(target), { method, token: ana.accessToken, headers: body === undefined ? {} : { "Content-Type": "application/json" }, body });
          const what = `${method} ${path(target)} ${String(body).slice(0, 40)}`;
          expect(res.status, what).toBeLessThan(500);
          if (res.status >= 400) expect(res.headers.get("content-type"), what).toBe("application/problem+json");
          await res.body?.cancel();
        }
      }
    }
    // Nothing the sweep sent renamed the group (ana did leave it: that takes no body).
    expect((await detail(ben, id)).title).toBe("Ride to the festival");
  });
});

describe("the OpenAPI document", () => {
  it("lists every chat operation under the Chat tag, with bearer security and its error responses", async () => {
    const doc = await (await SELF.fetch("https://mundo.test/api/openapi.json")).json<{
      paths: Record<string, Record<string, { tags?: string[]; security?: unknown[]; responses: Record<string, unknown> }>>;
    }>();
    const expected: [string, string, string[]][] = [
      ["/api/v1/conversations", "post", ["200", "201", "401", "403", "422"]],
      ["/api/v1/conversations", "get", ["200", "401"]],
      ["/api/v1/conversations/{id}", "get", ["200", "401", "403", "404"]],
      ["/api/v1/conversations/{id}", "patch", ["200", "401", "403", "404", "409"]],
      ["/api/v1/conversations/{id}/members", "post", ["200", "401", "403", "404", "409", "422"]],
      ["/api/v1/conversations/{id}/members/{handle}", "delete", ["204", "401", "403", "404", "409"]],
      ["/api/v1/conversations/{id}/leave", "post", ["204", "401", "403", "404", "409"]],
      ["/api/v1/conversations/{id}/messages", "get", ["200", "401", "403", "404"]],
      ["/api/v1/conversations/{id}/messages", "post", ["200", "201", "401", "403", "404", "422", "429"]],
      ["/api/v1/conversations/{id}/read", "post", ["200", "401", "403", "404"]],
      ["/api/v1/events/{id}/room", "get", ["200", "401", "404"]],
      ["/api/v1/events/{id}/room", "post", ["200", "401", "403", "404", "409"]],
    ];
    for (const [path, method, statuses] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op!.tags).toEqual(["Chat"]);
      expect(op!.security).toEqual([{ bearer: [] }]);
      for (const status of statuses) expect(op!.responses[status], `${method} ${path} ${status}`).toBeDefined();
    }
  });
});
