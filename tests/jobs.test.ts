import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { consumeJobs } from "../queues/consumer";
import { runScheduled } from "../worker/scheduled";
import { BASE } from "./accounts";
import { createEvent, localDaysFromNow } from "./event-factory";
import { seedWorld } from "./world";

const message = (id: string, body: unknown) => ({ id, timestamp: new Date(), attempts: 1, body });

async function consume(messages: ReturnType<typeof message>[]) {
  const batch = createMessageBatch("mundo-tango-jobs", messages);
  const ctx = createExecutionContext();
  await consumeJobs(batch, env);
  return getQueueResult(batch, ctx);
}

describe("queue consumer", () => {
  it("acknowledges a valid job", async () => {
    const result = await consume([message("m1", { type: "health.probe", idempotencyKey: "k1", sentAt: new Date().toISOString() })]);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("acknowledges a malformed job instead of retrying it forever", async () => {
    const result = await consume([message("bad", { type: "launch.missiles" }), message("worse", "not even an object")]);
    expect([...result.explicitAcks].sort()).toEqual(["bad", "worse"]);
    expect(result.retryMessages).toEqual([]);
  });
});

describe("cron", () => {
  it("logs a health probe of the real bindings on every run", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    await runScheduled(createScheduledController({ cron: "*/15 * * * *" }), env);
    spy.mockRestore();
    const entry = lines.map((l) => JSON.parse(l)).find((l) => l.message === "cron.health");
    expect(entry).toMatchObject({ cron: "*/15 * * * *", status: "ok", checks: { d1: "ok", durableObject: "ok" } });
  });
});

describe("cron maintenance", () => {
  it("extends a recurring series whose materialized dates run out soon", async () => {
    await seedWorld();
    const { event } = await createEvent({ start: localDaysFromNow(1, "21:00"), end: localDaysFromNow(1, "23:30"), recurrence: { rrule: "FREQ=WEEKLY" } });
    const count = async () => (await env.DB.prepare("SELECT count(*) AS n, max(starts_at) AS last FROM event_occurrences WHERE event_id = ?").bind(event.id).first<{ n: number; last: string }>())!;
    const before = await count();
    // A year later the horizon is a month away: the cron materializes the next 400 days.
    const later = new Date(Date.now() + 380 * 86_400_000);
    await runScheduled(createScheduledController({ cron: "*/15 * * * *" }), env, later);
    const after = await count();
    expect(after.last > before.last).toBe(true);
    expect(Date.parse(after.last)).toBeGreaterThan(later.getTime() + 390 * 86_400_000);
  });

  it("reminds the organizers of a series nobody reconfirmed for seven weeks, once", async () => {
    await seedWorld();
    const { event, organizer } = await createEvent({ start: localDaysFromNow(1, "21:00"), end: localDaysFromNow(1, "23:30"), recurrence: { rrule: "FREQ=WEEKLY" }, title: "Milonga que nadie confirma" });
    await env.DB.prepare("UPDATE events SET confirmed_at = ? WHERE id = ?").bind(new Date(Date.now() - 7 * 7 * 86_400_000 - 3_600_000).toISOString(), event.id).run();
    await runScheduled(createScheduledController({ cron: "*/15 * * * *" }), env);
    await runScheduled(createScheduledController({ cron: "*/15 * * * *" }), env);
    const reminded = await env.DB.prepare("SELECT reconfirm_reminded_at AS at FROM events WHERE id = ?").bind(event.id).first<{ at: string | null }>();
    expect(reminded?.at).not.toBeNull();
    const mails = await vi.waitFor(
      async () => {
        const list = await (await SELF.fetch(`${BASE}/dev/mailbox.json?to=${encodeURIComponent(organizer.email)}`)).json<{ subject: string }[]>();
        if (!list.some((m) => /Milonga que nadie confirma/.test(m.subject))) throw new Error("no reminder yet");
        return list.filter((m) => /Milonga que nadie confirma/.test(m.subject));
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(mails).toHaveLength(1);
  });
});
