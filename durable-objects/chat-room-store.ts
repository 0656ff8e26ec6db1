import type { ChatMessage, ServerFrame } from "./chat-protocol";

/**
 * The ChatRoom's SQLite, and nothing else: every read and write is synchronous, so a caller
 * that does not await between two calls sees and changes the room atomically (the room
 * relies on this for "seq order = broadcast order").
 *
 * - `events`: the room's history, one row per seq. `message` rows hold the message as it
 *   reads NOW (an edit replaces the body, a deletion leaves a tombstone with a null body);
 *   `edit` and `delete` rows are the later events that changed message `message_seq`, kept
 *   so a reconnecting tab replays them in order. Rows are never deleted, so `seq` (the rowid)
 *   only grows. `ordinal` numbers the messages (1, 2, …; deleted ones keep theirs), which is
 *   the "message count up to here" the inbox needs for unread counts.
 * - `reads`: each member's read position (never lowered).
 * - `meta`: conversationId (the first caller tells the room which conversation it is) and
 *   sending_allowed ("0" when a block closed a direct conversation).
 * - `outbox`: D1 write-backs not yet done, in order (see ChatRoom.flushOutbox); a failure or
 *   an eviction leaves them here for the next attempt.
 */

type EventKind = "message" | "edit" | "delete";

type EventRow = {
  seq: number;
  kind: EventKind;
  message_seq: number | null;
  sender_id: string;
  client_id: string;
  body: string | null;
  ordinal: number | null;
  sent_at: string;
  edited_at: string | null;
  deleted_at: string | null;
};

export type OutboxEntry =
  | { kind: "message"; seq: number; ordinal: number; senderId: string; body: string; sentAt: string; online: string[] }
  | { kind: "read"; userId: string; seq: number; count: number }
  | { kind: "preview"; messageSeq: number; body: string | null };

const COLUMNS = "seq, kind, message_seq, sender_id, client_id, body, ordinal, sent_at, edited_at, deleted_at";

export function toMessage(row: EventRow): ChatMessage {
  return { seq: row.seq, clientId: row.client_id, senderId: row.sender_id, body: row.body, sentAt: row.sent_at, editedAt: row.edited_at, deletedAt: row.deleted_at };
}

export class RoomStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('message', 'edit', 'delete')),
      message_seq INTEGER,
      sender_id TEXT NOT NULL,
      client_id TEXT NOT NULL,
      body TEXT,
      ordinal INTEGER,
      sent_at TEXT NOT NULL,
      edited_at TEXT,
      deleted_at TEXT
    )`);
    // Idempotent sends: one message per (sender, clientId).
    sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS events_client_idx ON events (sender_id, client_id) WHERE kind = 'message'");
    // History pages and counts walk the messages alone.
    sql.exec("CREATE INDEX IF NOT EXISTS events_message_idx ON events (seq) WHERE kind = 'message'");
    sql.exec("CREATE TABLE IF NOT EXISTS reads (user_id TEXT PRIMARY KEY, seq INTEGER NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)");
  }

  // ---- meta ----

  meta(key: string): string | null {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  sendingAllowed(): boolean {
    return this.meta("sending_allowed") !== "0";
  }

  // ---- events ----

  lastSeq(): number {
    return this.sql.exec<{ seq: number | null }>("SELECT max(seq) AS seq FROM events").one().seq ?? 0;
  }

  /** How many messages the room holds up to and including `seq` (deleted ones too). */
  countUpTo(seq: number): number {
    const row = this.sql.exec<{ ordinal: number }>("SELECT ordinal FROM events WHERE kind = 'message' AND seq <= ? ORDER BY seq DESC LIMIT 1", seq).toArray()[0];
    return row?.ordinal ?? 0;
  }

  messageByClientId(senderId: string, clientId: string): ChatMessage | null {
    const row = this.sql.exec<EventRow>(`SELECT ${COLUMNS} FROM events WHERE kind = 'message' AND sender_id = ? AND client_id = ?`, senderId, clientId).toArray()[0];
    return row ? toMessage(row) : null;
  }

  message(seq: number): ChatMessage | null {
    const row = this.sql.exec<EventRow>(`SELECT ${COLUMNS} FROM events WHERE kind = 'message' AND seq = ?`, seq).toArray()[0];
    return row ? toMessage(row) : null;
  }

  insertMessage(input: { senderId: string; clientId: string; body: string; sentAt: string }): { message: ChatMessage; ordinal: number } {
    const ordinal = this.countUpTo(Number.MAX_SAFE_INTEGER) + 1;
    const row = this.sql
      .exec<EventRow>(
        `INSERT INTO events (kind, sender_id, client_id, body, ordinal, sent_at) VALUES ('message', ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
        input.senderId,
        input.clientId,
        input.body,
        ordinal,
        input.sentAt,
      )
      .one();
    return { message: toMessage(row), ordinal };
  }

  /** The seq of the deletion `senderId` made of message `messageSeq` with `clientId`, if that is how it was deleted. */
  deletionBy(senderId: string, clientId: string, messageSeq: number): number | null {
    const row = this.sql
      .exec<{ seq: number }>("SELECT seq FROM events WHERE kind = 'delete' AND message_seq = ? AND sender_id = ? AND client_id = ? LIMIT 1", messageSeq, senderId, clientId)
      .toArray()[0];
    return row?.seq ?? null;
  }

  /** Replaces the body of message `messageSeq` and records the edit as a new event; answers its seq. */
  insertEdit(input: { message: ChatMessage; clientId: string; body: string; at: string }): number {
    this.sql.exec("UPDATE events SET body = ?, edited_at = ? WHERE seq = ? AND kind = 'message'", input.body, input.at, input.message.seq);
    return this.sql
      .exec<{ seq: number }>(
        "INSERT INTO events (kind, message_seq, sender_id, client_id, body, sent_at, edited_at) VALUES ('edit', ?, ?, ?, ?, ?, ?) RETURNING seq",
        input.message.seq,
        input.message.senderId,
        input.clientId,
        input.body,
        input.at,
        input.at,
      )
      .one().seq;
  }

  /**
   * Leaves a tombstone: the message keeps its seq and ordinal, loses its body, and so do
   * its earlier edits (a deleted message's words must not come back through a replay).
   */
  insertDelete(input: { message: ChatMessage; clientId: string; at: string }): number {
    this.sql.exec("UPDATE events SET body = NULL, deleted_at = ? WHERE seq = ? AND kind = 'message'", input.at, input.message.seq);
    this.sql.exec("UPDATE events SET body = NULL WHERE kind = 'edit' AND message_seq = ?", input.message.seq);
    return this.sql
      .exec<{ seq: number }>(
        "INSERT INTO events (kind, message_seq, sender_id, client_id, sent_at, deleted_at) VALUES ('delete', ?, ?, ?, ?, ?) RETURNING seq",
        input.message.seq,
        input.message.senderId,
        input.clientId,
        input.at,
        input.at,
      )
      .one().seq;
  }

  /**
   * Every event after `since`, in seq order, as the frames a live tab would have received:
   * messages as they read now, edits and deletions as their own frames. An edit of a message
   * deleted since is skipped (its delete frame follows; the words are gone).
   */
  *replay(since: number): Generator<ServerFrame> {
    for (const row of this.sql.exec<EventRow>(`SELECT ${COLUMNS} FROM events WHERE seq > ? ORDER BY seq`, since)) {
      if (row.kind === "message") yield { type: "message", ...toMessage(row) };
      else if (row.kind === "edit") {
        if (row.body !== null) yield { type: "edit", seq: row.seq, messageSeq: row.message_seq!, senderId: row.sender_id, body: row.body, editedAt: row.edited_at! };
      } else yield { type: "delete", seq: row.seq, messageSeq: row.message_seq!, senderId: row.sender_id, deletedAt: row.deleted_at! };
    }
  }

  /** At most `limit` messages older than `before` (or the newest), oldest first. */
  history(before: number | undefined, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
    const rows = this.sql
      .exec<EventRow>(`SELECT ${COLUMNS} FROM events WHERE kind = 'message' AND seq < ? ORDER BY seq DESC LIMIT ?`, before ?? Number.MAX_SAFE_INTEGER, limit + 1)
      .toArray();
    const hasMore = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore };
  }

  // ---- reads ----

  readSeq(userId: string): number {
    return this.sql.exec<{ seq: number }>("SELECT seq FROM reads WHERE user_id = ?", userId).toArray()[0]?.seq ?? 0;
  }

  /** Raises the member's read position to `seq` (never lowers it); answers whether it moved. */
  raiseRead(userId: string, seq: number): boolean {
    const before = this.readSeq(userId);
    if (seq <= before) return false;
    this.sql.exec("INSERT INTO reads (user_id, seq) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > reads.seq", userId, seq);
    return true;
  }

  reads(): Record<string, number> {
    const reads: Record<string, number> = {};
    for (const row of this.sql.exec<{ user_id: string; seq: number }>("SELECT user_id, seq FROM reads")) reads[row.user_id] = row.seq;
    return reads;
  }

  // ---- outbox ----

  enqueue(entry: OutboxEntry): void {
    this.sql.exec("INSERT INTO outbox (entry) VALUES (?)", JSON.stringify(entry));
  }

  nextOutbox(): { id: number; entry: OutboxEntry } | null {
    const row = this.sql.exec<{ id: number; entry: string }>("SELECT id, entry FROM outbox ORDER BY id LIMIT 1").toArray()[0];
    return row ? { id: row.id, entry: JSON.parse(row.entry) as OutboxEntry } : null;
  }

  removeOutbox(id: number): void {
    this.sql.exec("DELETE FROM outbox WHERE id = ?", id);
  }

  /** Counts a failed attempt; answers how many there were. */
  failOutbox(id: number): number {
    return this.sql.exec<{ attempts: number }>("UPDATE outbox SET attempts = attempts + 1 WHERE id = ? RETURNING attempts", id).toArray()[0]?.attempts ?? 0;
  }

  outboxPending(): boolean {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n > 0;
  }
}
