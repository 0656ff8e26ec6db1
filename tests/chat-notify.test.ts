import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { handleChatNotify, NOTIFY_PER_RUN } from "../queues/jobs/chat-notify";
import type { Job } from "../queues/jobs";
import { uuidv7 } from "../worker/lib/ids";
import type { NotificationDto } from "../worker/schemas/notifications";

type NotificationPageDto = { data: NotificationDto[]; unreadCount: number };
import { messagePreview } from "../worker/services/chat-inbox";
import { api } from "./accounts";
import { directConversation, groupConversation, memberRow, openChat, setMuted } from "./chat-fixtures";
import type { Member } from "./event-factory";
import { block, dancer, mute, notificationsOf } from "./post-factory";
import { seedWorld } from "./world";

beforeAll(seedWorld);

type ChatNotifyJob = Extract<Job, { type: "chat.notify" }>;

/**
 * What the room writes to D1 after delivering message `seq` (recordRoomMessage without its
 * enqueue, so the test decides when and how often the job runs), and the job it would queue.
 */
async function roomMessage(conversationId: string, sender: Member, seq: number, body: string, online: Member[] = []): Promise<ChatNotifyJob> {
  const sentAt = new Date().toISOString();
  await env.DB.batch([
    env.DB.prepare(
      "UPDATE conversations SET last_seq = ?1, message_count = ?1, last_message_at = ?2, last_activity_at = ?2, last_sender_id = ?3, last_preview = ?4 WHERE id = ?5 AND last_seq < ?1",
    ).bind(seq, sentAt, sender.user.id, messagePreview(body), conversationId),
    env.DB.prepare("UPDATE conversation_members SET read_seq = ?1, read_count = ?1 WHERE conversation_id = ?2 AND user_id = ?3 AND read_seq < ?1").bind(seq, conversationId, sender.user.id),
  ]);
  return { type: "chat.notify", idempotencyKey: `chat:${conversationId}:${seq}`, conversationId, seq, senderId: sender.user.id, online: online.map((m) => m.user.id) };
}

const run = (job: ChatNotifyJob) => handleChatNotify(job, env as unknown as Cloudflare.Env);

async function readUpTo(conversationId: string, m: Member, seq: number): Promise<void> {
  await env.DB.prepare("UPDATE conversation_members SET read_seq = ?1, read_count = ?1 WHERE conversation_id = ?2 AND user_id = ?3").bind(seq, conversationId, m.user.id).run();
}

const messageNotes = async (m: Member) => (await notificationsOf(m)).filter((n) => n.type === "message");

describe("chat.notify: one notification per unread streak", () => {
  it("tells an offline member once for three messages, with the group's title and the newest preview, leading to /messages/<id>", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await groupConversation(ana, [beto], "Ride to the Milonga");
    expect(await run(await roomMessage(id, ana, 1, "Who needs a ride?"))).toBe(1);
    expect(await run(await roomMessage(id, ana, 2, "Leaving at 9"))).toBe(0);
    expect(await run(await roomMessage(id, ana, 3, "From   Palermo\n\nsquare"))).toBe(0);
    const notes = await messageNotes(beto);
    expect(notes).toEqual([{ type: "message", actor_id: ana.user.id, subject_id: id, dedupe_key: `message:${id}:1` }]);
    expect(await memberRow(id, beto)).toMatchObject({ notifiedSeq: 1, readSeq: 0 });

    const res = await api("/notifications", { token: beto.accessToken });
    const page = await res.json<NotificationPageDto>();
    expect(page.data[0]).toMatchObject({
      type: "message",
      actor: { handle: ana.user.handle },
      subject: { type: "room", id, url: `/messages/${id}` },
      data: { title: "Ride to the Milonga", excerpt: "Who needs a ride?" },
    });
  });

  it("tells again after the member read, and not the sender ever", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    await run(await roomMessage(id, ana, 1, "Hola"));
    await run(await roomMessage(id, ana, 2, "¿Vas a la práctica?"));
    await readUpTo(id, beto, 2);
    // Beto answers: Ana is told (Beto, the sender, is not).
    expect(await run(await roomMessage(id, beto, 3, "Sí, a las 10"))).toBe(1);
    expect(await run(await roomMessage(id, ana, 4, "¡Genial!"))).toBe(1);
    expect((await messageNotes(beto)).map((n) => n.dedupe_key)).toEqual([`message:${id}:4`, `message:${id}:1`]);
    expect((await messageNotes(ana)).map((n) => n.dedupe_key)).toEqual([`message:${id}:3`]);
    const page = await (await api("/notifications", { token: beto.accessToken })).json<NotificationPageDto>();
    // A direct conversation is titled by who wrote.
    expect(page.data[0]!.data).toMatchObject({ title: "ana", excerpt: "¡Genial!" });
  });

  it("skips members who had the room open, without spending their streak", async () => {
    const [ana, beto, cora] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cora")]);
    const id = await groupConversation(ana, [beto, cora]);
    expect(await run(await roomMessage(id, ana, 1, "On my way", [ana, beto]))).toBe(1);
    expect(await messageNotes(beto)).toEqual([]);
    expect(await messageNotes(cora)).toHaveLength(1);
    expect((await memberRow(id, beto))!.notifiedSeq).toBe(0);
    // Beto closed the tab without reading: the next message tells him.
    expect(await run(await roomMessage(id, ana, 2, "Here", [ana]))).toBe(1);
    expect((await messageNotes(beto)).map((n) => n.dedupe_key)).toEqual([`message:${id}:2`]);
  });

  it("never tells a member who muted the conversation", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await groupConversation(ana, [beto]);
    await setMuted(id, beto, true);
    expect(await run(await roomMessage(id, ana, 1, "Anyone?"))).toBe(0);
    expect(await messageNotes(beto)).toEqual([]);
    await setMuted(id, beto, false);
    expect(await run(await roomMessage(id, ana, 2, "Anyone at all?"))).toBe(1);
  });

  it("a redelivered job, or the same job racing itself, tells each member once", async () => {
    const [ana, beto, cora] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cora")]);
    const id = await groupConversation(ana, [beto, cora]);
    const job = await roomMessage(id, ana, 1, "Tanda time");
    const counts = await Promise.all([run(job), run(job), run(job)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(await run(job)).toBe(0);
    // Two messages' jobs racing: still one per member.
    const second = await roomMessage(id, ana, 2, "Cortina");
    const third = await roomMessage(id, ana, 3, "Next tanda");
    expect((await Promise.all([run(second), run(third)])).reduce((a, b) => a + b, 0)).toBe(0);
    expect(await messageNotes(beto)).toHaveLength(1);
    expect(await messageNotes(cora)).toHaveLength(1);
  });

  it("never across a block (either way) or from a muted member, and another member's message still notifies them", async () => {
    const [ana, beto, cora, dani] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cora"), dancer("dani")]);
    const direct = await directConversation(ana, beto);
    await block(beto, ana);
    expect(await run(await roomMessage(direct, ana, 1, "Why?"))).toBe(0);
    expect(await messageNotes(beto)).toEqual([]);

    const group = await groupConversation(ana, [beto, cora, dani]);
    await block(ana, cora);
    await mute(dani, ana);
    // Beto blocked Ana, Ana blocked Cora, Dani muted Ana: nobody is told of Ana's message.
    expect(await run(await roomMessage(group, ana, 1, "Hello all"))).toBe(0);
    for (const m of [beto, cora, dani]) expect((await memberRow(group, m))!.notifiedSeq).toBe(0);
    // Dani's message reaches all three (and Ana).
    expect(await run(await roomMessage(group, dani, 2, "Hi!"))).toBe(3);
    for (const m of [ana, beto, cora]) expect((await messageNotes(m)).filter((n) => n.subject_id === group)).toEqual([expect.objectContaining({ actor_id: dani.user.id })]);
  });

  it("an unknown conversation tells nobody", async () => {
    const ana = await dancer("ana");
    expect(await run({ type: "chat.notify", idempotencyKey: "x", conversationId: uuidv7(), seq: 1, senderId: ana.user.id, online: [] })).toBe(0);
  });

  it(`pages through a large room, at most ${NOTIFY_PER_RUN} per run, and the queued continuation tells the rest`, async () => {
    const ana = await dancer("ana");
    const id = await groupConversation(ana, []);
    const size = NOTIFY_PER_RUN + 60;
    const at = new Date().toISOString();
    const users = Array.from({ length: size }, (_, i) => ({ id: uuidv7(), i }));
    const statements = users.flatMap(({ id: userId, i }) => [
      env.DB.prepare("INSERT INTO users (id, email, handle, display_name, created_at) VALUES (?, ?, ?, ?, ?)").bind(userId, `crowd.${userId}@example.test`, `crowd_${userId.slice(-12)}`, `Crowd ${i}`, at),
      env.DB.prepare("INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)").bind(id, userId, at),
    ]);
    await env.DB.batch(statements);
    const online = users.filter(({ i }) => i % 10 === 0).map((u) => u.id);
    const job = { ...(await roomMessage(id, ana, 1, "Festival starts!")), online };
    expect(await run(job)).toBe(NOTIFY_PER_RUN);
    const told = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE type = 'message' AND subject_id = ?").bind(id).first<{ n: number }>())!.n;
    await vi.waitFor(async () => expect(await told()).toBe(size - online.length), { timeout: 20_000, interval: 200 });
    const onlineTold = await env.DB.prepare(`SELECT count(*) AS n FROM notifications WHERE subject_id = ? AND user_id IN (${online.slice(0, 25).map(() => "?").join(",")})`)
      .bind(id, ...online.slice(0, 25))
      .first<{ n: number }>();
    expect(onlineTold!.n).toBe(0);
  });

  it("end to end: messages sent over a real socket reach an offline member as one notification (room → D1 → queue → job)", async () => {
    const [ana, beto, cora] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cora")]);
    const id = await groupConversation(ana, [beto, cora], "Carpool Sábado");
    const [a, c] = await Promise.all([openChat(ana, id), openChat(cora, id)]);
    await Promise.all([a.next("ready"), c.next("ready")]);
    for (const [i, body] of ["Salgo a las 21", "Hay lugar para dos", "¿Quién viene?"].entries()) {
      a.send({ type: "send", clientId: `e2e-${i}`, body });
      await a.next("ack");
    }
    // Beto was offline: told once, for the first message of the streak. Cora had the room open: never.
    await vi.waitFor(async () => expect(await messageNotes(beto)).toHaveLength(1), { timeout: 15_000, interval: 100 });
    await vi.waitFor(async () => expect((await memberRow(id, ana))!.readSeq).toBeGreaterThanOrEqual(3), { timeout: 15_000, interval: 100 });
    // The three jobs travel in one queue batch; give the other two time to run, then Beto still has one.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await messageNotes(beto)).toHaveLength(1);
    const page = await (await api("/notifications", { token: beto.accessToken })).json<NotificationPageDto>();
    expect(page.data[0]).toMatchObject({ type: "message", actor: { handle: ana.user.handle }, subject: { type: "room", id, url: `/messages/${id}` }, data: { title: "Carpool Sábado" } });
    expect(await messageNotes(cora)).toEqual([]);
    expect(await messageNotes(ana)).toEqual([]);
    a.close();
    c.close();
  });
});
