import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { consumeJobs } from "../queues/consumer";
import { runScheduled } from "../worker/scheduled";

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
