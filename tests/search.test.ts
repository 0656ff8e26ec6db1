import { env } from "cloudflare:test";
import { createDb } from "../db/client";
import type { Ctx } from "../worker/env";
import { search as searchService } from "../worker/services/search";
import { beforeAll, describe, expect, it } from "vitest";
import type { EventResult, GroupResult, PersonResult, PostResult } from "../worker/schemas/search";
import { api } from "./accounts";
import { createEvent } from "./event-factory";
import { block, dancer, follow, group, mute, post, type Member } from "./post-factory";
import { seedWorld } from "./world";
import { uniqueWord } from "./words";

beforeAll(async () => {
  await seedWorld();
});

const word = () => uniqueWord("zy");

interface Page<T> {
  type: string;
  data: T[];
  nextCursor: string | null;
}

async function search<T>(q: string, type: string, who?: Member, extra = ""): Promise<Page<T>> {
  const res = await api(`/search?q=${encodeURIComponent(q)}&type=${type}${extra}`, { token: who?.accessToken });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<Page<T>>();
}
const people = (q: string, who?: Member) => search<PersonResult>(q, "people", who);
const postsFor = (q: string, who?: Member) => search<PostResult>(q, "posts", who);
const handles = (page: Page<PersonResult>) => page.data.map((p) => p.handle);
const postIds = (page: Page<PostResult>) => page.data.map((p) => p.id);

async function setUser(account: Member, fields: { display_name?: string; bio?: string }): Promise<void> {
  for (const [column, value] of Object.entries(fields)) {
    await env.DB.prepare(`UPDATE users SET ${column} = ? WHERE id = ?`).bind(value, account.user.id).run();
  }
}

describe("GET /search?type=people", () => {
  it("finds a member by the start of their name, ignoring case and accents", async () => {
    const surname = word();
    const ana = await dancer("ana");
    await setUser(ana, { display_name: `Ramón Canción ${surname}` });
    for (const q of [`cancion ${surname}`, `CANCIÓN ${surname}`, `Canción ${surname.slice(0, 5)}`, `ramon ${surname.toUpperCase()}`]) {
      const page = await people(q);
      expect(handles(page), q).toEqual([ana.user.handle]);
      expect(page.type).toBe("people");
      expect(page.data[0]).toEqual({ handle: ana.user.handle, displayName: `Ramón Canción ${surname}`, avatarUrl: null, homeCity: { slug: "buenos-aires", name: "Buenos Aires" } });
    }
  });

  it("finds a member by handle", async () => {
    const ana = await dancer("hdl");
    const page = await people(ana.user.handle);
    expect(handles(page)).toContain(ana.user.handle);
  });

  it("ranks a match in the name above a match in the bio", async () => {
    const w = word();
    const [inBio, inName] = await Promise.all([dancer("bio"), dancer("name")]);
    await setUser(inBio, { bio: `I dance at ${w} every week and love the long tandas there.` });
    await setUser(inName, { display_name: `Lucía ${w}` });
    expect(handles(await people(w))).toEqual([inName.user.handle, inBio.user.handle]);
  });

  it("needs every word: more words narrow the results", async () => {
    const w = word();
    const [a, b] = await Promise.all([dancer("a"), dancer("b")]);
    await setUser(a, { display_name: `Elena ${w}` });
    await setUser(b, { display_name: `Pablo ${w}` });
    expect(new Set(handles(await people(w)))).toEqual(new Set([a.user.handle, b.user.handle]));
    expect(handles(await people(`${w} pab`))).toEqual([b.user.handle]);
  });

  it("never shows a member blocked either way, and shows them to everyone else", async () => {
    const w = word();
    const [me, blockedByMe, blockerOfMe, other] = await Promise.all([dancer("me"), dancer("x"), dancer("y"), dancer("z")]);
    await Promise.all([blockedByMe, blockerOfMe].map((m) => setUser(m, { display_name: `Tomás ${w}` })));
    await block(me, blockedByMe);
    await block(blockerOfMe, me);
    expect(handles(await people(w, me))).toEqual([]);
    expect(new Set(handles(await people(w, other)))).toEqual(new Set([blockedByMe.user.handle, blockerOfMe.user.handle]));
    expect(new Set(handles(await people(w)))).toEqual(new Set([blockedByMe.user.handle, blockerOfMe.user.handle]));
  });
});

describe("GET /search?type=posts", () => {
  it("finds public posts by any word of the body, accents and case ignored, for visitors too", async () => {
    const w = word();
    const author = await dancer("author");
    const p = await post(author, { body: `¡Qué noche en la milonga! La CANCIÓN final de ${w} fue perfecta.` });
    for (const q of [`cancion ${w}`, `canción ${w}`, `CANCION ${w}`, `${w.slice(0, 4)} que noche`]) {
      expect(postIds(await postsFor(q)), q).toEqual([p.id]);
    }
    const [result] = (await postsFor(w)).data;
    expect(result).toEqual({
      id: p.id,
      excerpt: `¡Qué noche en la milonga! La CANCIÓN final de ${w} fue perfecta.`,
      author: { handle: author.user.handle, displayName: "author", avatarUrl: null },
      createdAt: p.createdAt,
    });
  });

  it("searches the word of a #hashtag", async () => {
    const w = word();
    const author = await dancer("tag");
    const p = await post(author, { body: `Best night of the year #${w}` });
    expect(postIds(await postsFor(`#${w}`))).toEqual([p.id]);
    expect(postIds(await postsFor(w))).toEqual([p.id]);
  });

  it("shows followers-only posts to the author and followers, never to others or visitors", async () => {
    const w = word();
    const [author, fan, stranger] = await Promise.all([dancer("auth"), dancer("fan"), dancer("str")]);
    await follow(fan, author);
    const p = await post(author, { body: `For my people: ${w}`, visibility: "followers" });
    expect(postIds(await postsFor(w, author))).toEqual([p.id]);
    expect(postIds(await postsFor(w, fan))).toEqual([p.id]);
    expect(postIds(await postsFor(w, stranger))).toEqual([]);
    expect(postIds(await postsFor(w))).toEqual([]);
  });

  it("shows group posts only to active members of the group, private or public", async () => {
    const w = word();
    const [author, groupmate, pending, outsider] = await Promise.all([dancer("au"), dancer("gm"), dancer("pd"), dancer("out")]);
    const priv = await group([{ account: author, role: "admin" }, { account: groupmate }, { account: pending, status: "pending" }], "private");
    const pub = await group([{ account: author, role: "admin" }, { account: groupmate }], "public");
    const inPrivate = await post(author, { body: `Secret ${w} practice`, visibility: "group", groupId: priv.id });
    const inPublic = await post(author, { body: `Open ${w} practice`, visibility: "group", groupId: pub.id });
    expect(new Set(postIds(await postsFor(w, groupmate)))).toEqual(new Set([inPrivate.id, inPublic.id]));
    expect(postIds(await postsFor(w, pending))).toEqual([]);
    expect(postIds(await postsFor(w, outsider))).toEqual([]);
    expect(postIds(await postsFor(w))).toEqual([]);
  });

  it("hides posts across a block in each direction", async () => {
    const w = word();
    const [author, blocked, blocker, other] = await Promise.all([dancer("au"), dancer("bd"), dancer("br"), dancer("ot")]);
    const p = await post(author, { body: `Public ${w} night` });
    await block(author, blocked);
    await block(blocker, author);
    expect(postIds(await postsFor(w, blocked))).toEqual([]);
    expect(postIds(await postsFor(w, blocker))).toEqual([]);
    expect(postIds(await postsFor(w, other))).toEqual([p.id]);
  });

  it("hides posts of members I muted", async () => {
    const w = word();
    const [author, muter] = await Promise.all([dancer("au"), dancer("mu")]);
    const p = await post(author, { body: `Muted ${w} night` });
    await mute(muter, author);
    expect(postIds(await postsFor(w, muter))).toEqual([]);
    expect(postIds(await postsFor(w, author))).toEqual([p.id]);
  });

  it("forgets a deleted post and finds an edited one by its new words only", async () => {
    const [w1, w2, w3] = [word(), word(), word()];
    const author = await dancer("ed");
    const gone = await post(author, { body: `Soon gone ${w1}` });
    const edited = await post(author, { body: `First words ${w2}` });
    expect((await api(`/posts/${gone.id}`, { method: "DELETE", token: author.accessToken })).status).toBe(204);
    expect((await api(`/posts/${edited.id}`, { method: "PATCH", token: author.accessToken, json: { body: `Second words ${w3}` } })).status).toBe(200);
    expect(postIds(await postsFor(w1))).toEqual([]);
    expect(postIds(await postsFor(w2))).toEqual([]);
    expect(postIds(await postsFor(w3))).toEqual([edited.id]);
  });

  it("shows Markdown-lite as plain text in the excerpt, and user text as data", async () => {
    const w = word();
    const author = await dancer("md");
    await post(author, { body: `**Bold** <script>alert(1)</script> [link ${w}](https://example.com/x)` });
    const [result] = (await postsFor(w)).data;
    expect(result!.excerpt).toBe(`Bold <script>alert(1)</script> link ${w}`);
  });
});

describe("GET /search?type=events", () => {
  it("finds an event by its title ignoring accents, with its date and city", async () => {
    const w = word();
    const { event } = await createEvent({ title: `Milonga Canción ${w}` });
    const page = await search<EventResult>(`cancion ${w}`, "events");
    expect(page.data).toEqual([{ id: event.id, title: `Milonga Canción ${w}`, startsAt: event.startsAt, timeZone: "America/Argentina/Buenos_Aires", city: { slug: "buenos-aires", name: "Buenos Aires" } }]);
  });

  it("ranks a match in the title above one in the description", async () => {
    const w = word();
    const { event: inDescription } = await createEvent({ title: "Práctica del barrio", description: `With music by ${w}, every week.` });
    const { event: inTitle } = await createEvent({ title: `Milonga ${w}` });
    const page = await search<EventResult>(w, "events");
    expect(page.data.map((e) => e.id)).toEqual([inTitle.id, inDescription.id]);
  });

  it("leaves out cancelled events", async () => {
    const w = word();
    const { event } = await createEvent({ title: `Milonga ${w}` });
    await env.DB.prepare("UPDATE events SET status = 'cancelled', cancelled_at = ? WHERE id = ?").bind(new Date().toISOString(), event.id).run();
    expect((await search<EventResult>(w, "events")).data).toEqual([]);
  });

  it("leaves out events organized by a member blocked either way", async () => {
    const w = word();
    const [organizer, blocked, blocker] = await Promise.all([dancer("org"), dancer("bd"), dancer("br")]);
    const { event } = await createEvent({ title: `Milonga ${w}` }, organizer);
    await block(organizer, blocked);
    await block(blocker, organizer);
    expect((await search<EventResult>(w, "events", blocked)).data).toEqual([]);
    expect((await search<EventResult>(w, "events", blocker)).data).toEqual([]);
    expect((await search<EventResult>(w, "events")).data.map((e) => e.id)).toEqual([event.id]);
  });
});

describe("GET /search?type=groups", () => {
  it("lists private groups by name with their member count, but never their posts", async () => {
    const w = word();
    const [admin, mate, outsider] = await Promise.all([dancer("adm"), dancer("mt"), dancer("out")]);
    const g = await group([{ account: admin, role: "admin" }, { account: mate }, { account: outsider, status: "pending" }], "private");
    await env.DB.prepare("UPDATE groups SET name = ?, description = ?, created_by = ? WHERE id = ?").bind(`Círculo ${w}`, "Vals lovers", admin.user.id, g.id).run();
    await post(admin, { body: `Members only ${w}`, visibility: "group", groupId: g.id });
    const page = await search<GroupResult>(`circulo ${w}`, "groups", outsider);
    expect(page.data).toEqual([{ slug: g.slug, name: `Círculo ${w}`, visibility: "private", memberCount: 2 }]);
    expect((await postsFor(w, outsider)).data).toEqual([]);
  });

  it("ranks a match in the name above one in the description", async () => {
    const w = word();
    const [a, b] = await Promise.all([group([], "public"), group([], "public")]);
    await env.DB.prepare("UPDATE groups SET description = ? WHERE id = ?").bind(`We dance ${w} on Sundays`, a.id).run();
    await env.DB.prepare("UPDATE groups SET name = ? WHERE id = ?").bind(`${w} friends`, b.id).run();
    expect((await search<GroupResult>(w, "groups")).data.map((g) => g.slug)).toEqual([b.slug, a.slug]);
  });

  it("leaves out groups made by a member blocked either way", async () => {
    const w = word();
    const [creator, blocked] = await Promise.all([dancer("cr"), dancer("bd")]);
    const g = await group([{ account: creator, role: "admin" }], "public");
    await env.DB.prepare("UPDATE groups SET name = ?, created_by = ? WHERE id = ?").bind(`Tango ${w}`, creator.user.id, g.id).run();
    await block(blocked, creator);
    expect((await search<GroupResult>(w, "groups", blocked)).data).toEqual([]);
    expect((await search<GroupResult>(w, "groups")).data.map((x) => x.slug)).toEqual([g.slug]);
  });

  it("finds the seeded city communities", async () => {
    const page = await search<GroupResult>("buenos aires community", "groups");
    expect(page.data[0]).toMatchObject({ name: "Buenos Aires tango community", visibility: "public" });
  });
});

describe("the seeded world", () => {
  it("finds seeded posts by an accented word typed without accents", async () => {
    const page = await search<PostResult>("que noche", "posts", undefined, "&limit=50");
    expect(page.data.length).toBeGreaterThan(0);
    for (const p of page.data) expect(p.excerpt).toMatch(/Qué noche/);
  });

  it("finds seeded interest groups, private ones included", async () => {
    const page = await search<GroupResult>("tango nuevo lab", "groups", undefined, "&limit=50");
    expect(page.data.length).toBeGreaterThan(10);
    expect(page.data.every((g) => g.visibility === "private" && g.memberCount >= 1)).toBe(true);
  });
});

describe("very common words", () => {
  it("rank only the newest matches, so the cost stays bounded", async () => {
    const w = word();
    const author = await dancer("many");
    const created: string[] = [];
    for (let i = 0; i < 4; i++) created.push((await post(author, { body: `Tanda ${i} ${w}` })).id);
    const ctx: Ctx = { db: createDb(env.DB), env, requestId: "test", user: null };
    const page = await searchService(ctx, { q: w, type: "posts", limit: 20 }, { maxCandidates: 2 });
    expect(new Set(page.data.map((p) => (p as PostResult).id))).toEqual(new Set(created.slice(2)));
    expect((await searchService(ctx, { q: w, type: "posts", limit: 20 })).data).toHaveLength(4);
  });
});

describe("paging", () => {
  it("pages through every result once, best first, with an opaque cursor", async () => {
    const w = word();
    const author = await dancer("pg");
    const created: string[] = [];
    for (let i = 0; i < 12; i++) created.push((await post(author, { body: `Night ${i} of ${w}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page<PostResult> = await search<PostResult>(w, "posts", undefined, `&limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.data.map((p) => p.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(12);
    expect(new Set(seen)).toEqual(new Set(created));
  });

  it("refuses a cursor it did not issue, naming cursor", async () => {
    for (const cursor of ["nope", btoa(JSON.stringify({ o: 5000 })).replace(/=/g, ""), btoa(JSON.stringify({ o: -1 })).replace(/=/g, "")]) {
      const res = await api(`/search?q=milonga&type=posts&cursor=${cursor}`);
      expect(res.status, cursor).toBe(400);
      expect((await res.json<{ errors: { path: string }[] }>()).errors.map((e) => e.path)).toEqual(["cursor"]);
    }
  });

  it("stops after 200 results", async () => {
    const last = btoa(JSON.stringify({ o: 200 })).replace(/=/g, "");
    const page = await search<PersonResult>("tango", "people", undefined, `&cursor=${last}`);
    expect(page).toEqual({ type: "people", data: [], nextCursor: null });
    const nearEnd = btoa(JSON.stringify({ o: 190 })).replace(/=/g, "");
    const tail = await search<PersonResult>("tango", "people", undefined, `&cursor=${nearEnd}&limit=50`);
    expect(tail.data).toHaveLength(10);
    expect(tail.nextCursor).toBeNull();
  });
});

describe("bad input", () => {
  const fieldsOf = async (res: Response) => (await res.json<{ errors: { path: string }[] }>()).errors.map((e) => e.path);

  it.each([
    ["missing", ""],
    ["empty", "q="],
    ["blank", "q=%20%20%20"],
    ["201 characters", `q=${"a".repeat(201)}`],
    ["10,000 characters", `q=${"milonga ".repeat(1250)}`],
  ])("answers 400 naming q when q is %s", async (_name, query) => {
    const res = await api(`/search?${query}&type=people`);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await fieldsOf(res)).toEqual(["q"]);
  });

  it("answers 400 naming type for an unknown type, and limit for a bad limit", async () => {
    const badType = await api("/search?q=milonga&type=venues");
    expect(badType.status).toBe(400);
    expect(await fieldsOf(badType)).toEqual(["type"]);
    const badLimit = await api("/search?q=milonga&type=people&limit=51");
    expect(badLimit.status).toBe(400);
    expect(await fieldsOf(badLimit)).toEqual(["limit"]);
  });

  it("searches people when no type is given", async () => {
    expect((await search<PersonResult>("lucia", "people")).type).toBe("people");
    const res = await api("/search?q=lucia");
    expect(res.status).toBe(200);
    expect((await res.json<Page<PersonResult>>()).type).toBe("people");
  });
});

describe("hostile query strings never fail", () => {
  const hostile: [string, string][] = [
    ["a lone double quote", '"'],
    ["unbalanced quotes", '"milonga'],
    ["a lone star", "*"],
    ["a leading star", "*milonga"],
    ["a minus", "-milonga"],
    ["NEAR", "NEAR(milonga tango)"],
    ["NEAR with a distance", "milonga NEAR/2 tango"],
    ["AND", "milonga AND"],
    ["OR alone", "OR"],
    ["NOT", "NOT milonga"],
    ["a column filter", "bio:tango"],
    ["a braced column filter", "{handle bio}:ana"],
    ["a caret", "^milonga"],
    ["parentheses", "(milonga"],
    ["a closing parenthesis", "milonga)"],
    ["SQL", "' OR 1=1 --"],
    ["SQL with a semicolon", "milonga'; DROP TABLE users; --"],
    ["a plus", "milonga + tango"],
    ["emoji only", "💃🕺"],
    ["emoji and words", "milonga 💃"],
    ["a NUL byte", "milonga\u0000tango"],
    ["a combining mark alone", "\u0301"],
    ["right-to-left text", "\u202etango"],
    ["a backslash", "\\"],
    ["percent and underscore", "%_%"],
    ["Cyrillic and CJK", "танго タンゴ"],
    ["many words", Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ")],
    ["a 200-letter word", "m".repeat(200)],
  ];

  for (const type of ["people", "events", "posts", "groups"]) {
    it.each(hostile)(`${type}: %s`, async (_name, q) => {
      const res = await api(`/search?q=${encodeURIComponent(q)}&type=${type}`);
      expect(res.status).toBe(200);
      const page = await res.json<Page<unknown>>();
      expect(page.type).toBe(type);
      expect(Array.isArray(page.data)).toBe(true);
    });
  }

  // encodeURIComponent refuses lone surrogates; a client can still send their (invalid) UTF-8 bytes.
  const rawQueries: [string, string][] = [
    ["a lone high surrogate", "milonga%20%ED%A0%BD"],
    ["a lone low surrogate", "%ED%B2%83%20tango"],
    ["invalid UTF-8", "%FF%FEmilonga"],
    ["a broken percent escape", "milonga%E0%A4%A"],
    ["a bare percent", "%"],
  ];
  for (const type of ["people", "events", "posts", "groups"]) {
    it.each(rawQueries)(`${type}: %s`, async (_name, raw) => {
      const res = await api(`/search?q=${raw}&type=${type}`);
      expect(res.status).toBe(200);
      expect((await res.json<Page<unknown>>()).type).toBe(type);
    });
  }

  it("treats FTS operators as plain words", async () => {
    const w = word();
    const author = await dancer("op");
    const p = await post(author, { body: `NEAR the river OR the bridge ${w}` });
    expect(postIds(await postsFor(`NEAR ${w}`))).toEqual([p.id]);
    expect(postIds(await postsFor(`"${w}" OR`))).toEqual([p.id]);
    expect(postIds(await postsFor(`${w} NOT`))).toEqual([]);
  });
});
