import { describe, expect, it } from "vitest";
import { MAX_FRAME_BYTES, MAX_MESSAGE_CHARS } from "../../durable-objects/chat-protocol";
import { parseClientFrame } from "../../durable-objects/chat-room-frames";

const parse = (value: unknown) => parseClientFrame(typeof value === "string" || value instanceof ArrayBuffer ? value : JSON.stringify(value));

describe("parseClientFrame", () => {
  it("accepts every frame the protocol defines", () => {
    expect(parse({ type: "send", clientId: "a-1_B", body: "hola" })).toEqual({ frame: { type: "send", clientId: "a-1_B", body: "hola" } });
    expect(parse({ type: "typing" })).toEqual({ frame: { type: "typing" } });
    expect(parse({ type: "read", seq: 3 })).toEqual({ frame: { type: "read", seq: 3 } });
    expect(parse({ type: "edit", clientId: "e", seq: 1, body: "otra" })).toEqual({ frame: { type: "edit", clientId: "e", seq: 1, body: "otra" } });
    expect(parse({ type: "delete", clientId: "d", seq: 1 })).toEqual({ frame: { type: "delete", clientId: "d", seq: 1 } });
    expect(parse({ type: "send", clientId: "emoji", body: "💃".repeat(MAX_MESSAGE_CHARS) })).toHaveProperty("frame");
  });

  it("names the problem with an error code, and the clientId when there is one", () => {
    expect(parse(new ArrayBuffer(4))).toMatchObject({ error: { code: "invalid_frame" } });
    expect(parse("{")).toMatchObject({ error: { code: "invalid_frame" } });
    expect(parse("42")).toMatchObject({ error: { code: "invalid_frame" } });
    expect(parse({ type: 7 })).toMatchObject({ error: { code: "invalid_frame" } });
    expect(parse({ type: "__proto__" })).toMatchObject({ error: { code: "unknown_type" } });
    expect(parse({ type: "x".repeat(500) })).toMatchObject({ error: { code: "unknown_type" } });
    expect((parse({ type: "x".repeat(500) }) as { error: { message: string } }).error.message.length).toBeLessThan(120);
    expect(parse({ type: "send", clientId: "c", body: "" })).toEqual({ error: expect.objectContaining({ code: "invalid_body", clientId: "c" }) });
    expect(parse({ type: "send", clientId: "c", body: "x".repeat(MAX_MESSAGE_CHARS + 1) })).toMatchObject({ error: { code: "invalid_body", clientId: "c" } });
    expect(parse({ type: "send", clientId: "has space", body: "hi" })).toMatchObject({ error: { code: "invalid_frame", clientId: "has space" } });
    expect(parse({ type: "read", seq: 1.5 })).toMatchObject({ error: { code: "invalid_frame" } });
    expect(parse({ type: "typing", extra: 1 })).toMatchObject({ error: { code: "invalid_frame" } });
    // A clientId too long to be one is not echoed back.
    expect((parse({ type: "send", clientId: "x".repeat(100), body: "" }) as { error: { clientId?: string } }).error.clientId).toBeUndefined();
  });

  it("refuses frames over MAX_FRAME_BYTES of UTF-8 before parsing, however few characters they have", () => {
    const ascii = JSON.stringify({ type: "send", clientId: "c", body: "x".repeat(MAX_FRAME_BYTES) });
    expect(parse(ascii)).toMatchObject({ error: { code: "invalid_frame", message: expect.stringContaining(`${MAX_FRAME_BYTES}`) } });
    // 20,000 emoji are 40,000 UTF-16 units but 80,000 bytes.
    const emoji = JSON.stringify({ type: "send", clientId: "c", body: "💃".repeat(20_000) });
    expect(emoji.length).toBeLessThan(MAX_FRAME_BYTES);
    expect(parse(emoji)).toMatchObject({ error: { code: "invalid_frame", message: expect.stringContaining(`${MAX_FRAME_BYTES}`) } });
    // Just under the limit in bytes parses (and then fails on the body's length, not the frame's size).
    const near = JSON.stringify({ type: "send", clientId: "c", body: "é".repeat(30_000) });
    expect(new TextEncoder().encode(near).byteLength).toBeLessThan(MAX_FRAME_BYTES);
    expect(parse(near)).toMatchObject({ error: { code: "invalid_body" } });
  });
});
