import { clientFrameSchema, MAX_FRAME_BYTES, type ClientFrame, type ServerFrame } from "./chat-protocol";

type ErrorFrame = Extract<ServerFrame, { type: "error" }>;

const KNOWN_TYPES = new Set(["send", "typing", "read", "edit", "delete"]);
const encoder = new TextEncoder();

/** Whether a text frame is over MAX_FRAME_BYTES of UTF-8, without encoding the common small ones. */
function oversize(text: string): boolean {
  if (text.length > MAX_FRAME_BYTES) return true;
  if (text.length * 3 <= MAX_FRAME_BYTES) return false;
  return encoder.encode(text).byteLength > MAX_FRAME_BYTES;
}

/**
 * One client frame, parsed, or the `error` frame that answers it. Never throws: binary,
 * oversize, non-JSON and non-object frames are `invalid_frame`; a `type` the protocol does
 * not know is `unknown_type`; a body that is empty, blank or too long is `invalid_body`
 * (with the clientId when it was given, so the tab can mark that message failed).
 */
export function parseClientFrame(message: string | ArrayBuffer): { frame: ClientFrame } | { error: ErrorFrame } {
  if (typeof message !== "string") return { error: { type: "error", code: "invalid_frame", message: "Frames are JSON text; binary frames are not accepted." } };
  if (oversize(message)) return { error: { type: "error", code: "invalid_frame", message: `A frame is at most ${MAX_FRAME_BYTES} bytes.` } };
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return { error: { type: "error", code: "invalid_frame", message: "A frame must be a JSON object." } };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: { type: "error", code: "invalid_frame", message: "A frame must be a JSON object." } };
  const record = value as Record<string, unknown>;
  const clientId = typeof record.clientId === "string" && record.clientId.length <= 64 ? record.clientId : undefined;
  if (typeof record.type !== "string") return { error: withClientId({ type: "error", code: "invalid_frame", message: "A frame needs a string `type`." }, clientId) };
  if (!KNOWN_TYPES.has(record.type)) {
    return { error: { type: "error", code: "unknown_type", message: `Unknown frame type "${record.type.slice(0, 40)}"; expected send, typing, read, edit or delete.` } };
  }
  const parsed = clientFrameSchema.safeParse(value);
  if (parsed.success) return { frame: parsed.data };
  const bodyIssue = parsed.error.issues.find((issue) => issue.path[0] === "body");
  if (bodyIssue) return { error: withClientId({ type: "error", code: "invalid_body", message: bodyIssue.code === "custom" ? bodyIssue.message : "body must be a string." }, clientId) };
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return { error: withClientId({ type: "error", code: "invalid_frame", message: `${field}${issue?.message ?? "invalid frame"}` }, clientId) };
}

function withClientId(frame: ErrorFrame, clientId: string | undefined): ErrorFrame {
  return clientId === undefined ? frame : { ...frame, clientId };
}
