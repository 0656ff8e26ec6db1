import { createScheduledController, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import { runScheduled } from "../worker/scheduled";
import { claimMedia, deleteMediaObjectsOf, mediaIdsFromForm, type MediaDto } from "../worker/services/media";
import type { Ctx } from "../worker/env";
import { BASE, member } from "./accounts";
import { verifiedMember } from "./event-factory";
import { contains, text } from "./images";
import { photoGif, photoJpeg, photoPng, photoWebp } from "./media-images";

function upload(token: string | undefined, file: Uint8Array, { name = "photo.jpg", type = "image/jpeg", field = "file" } = {}) {
  const form = new FormData();
  form.append(field, new File([new Uint8Array(file)], name, { type }));
  return SELF.fetch(`${BASE}/api/v1/media`, { method: "POST", headers: token ? { Authorization: `Bearer ${token}` } : {}, body: form });
}

async function problemOf(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return res.json<{ status: number; detail: string; errors?: { path: string; message: string }[] }>();
}

const ctxFor = (): Ctx => ({ db: createDb(env.DB), env: env as never, requestId: "test", user: null });

describe("POST /api/v1/media", () => {
  it.each([
    ["JPEG", photoJpeg, "image/jpeg", 640, 480],
    ["PNG", photoPng, "image/png", 3, 2],
    ["WebP", photoWebp, "image/webp", 800, 600],
    ["GIF", photoGif, "image/gif", 5, 4],
  ] as const)("stores a %s with its size and serves it without location metadata", async (_name, file, type, width, height) => {
    const account = await verifiedMember();
    const res = await upload(account.accessToken, file);
    expect(res.status).toBe(201);
    const dto = await res.json<MediaDto>();
    expect(dto).toMatchObject({ width, height, url: `/api/v1/media/${dto.id}` });
    const picture = await SELF.fetch(`${BASE}${dto.url}`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get("content-type")).toBe(type);
    const bytes = new Uint8Array(await picture.arrayBuffer());
    expect(contains(bytes, "GPSLatitude")).toBe(false);
    expect(contains(bytes, "Ana's house")).toBe(false);
    expect(contains(bytes, "xmpmeta")).toBe(false);
    const stored = await env.DB.prepare("SELECT key, owner_id AS ownerId, attached_at AS attachedAt FROM media WHERE id = ?").bind(dto.id).first<{ key: string; ownerId: string; attachedAt: string | null }>();
    expect(stored).toMatchObject({ ownerId: account.user.id, attachedAt: null });
    expect(contains((await (await env.MEDIA.get(stored!.key))!.arrayBuffer().then((b) => new Uint8Array(b))), "GPSLatitude")).toBe(false);
  });

  it("keeps a GIF's loop extension while dropping its comment", async () => {
    const account = await verifiedMember();
    const dto = await (await upload(account.accessToken, photoGif, { name: "loop.gif", type: "image/gif" })).json<MediaDto>();
    const bytes = new Uint8Array(await (await SELF.fetch(`${BASE}${dto.url}`)).arrayBuffer());
    expect(contains(bytes, "NETSCAPE2.0")).toBe(true);
    expect(bytes.at(-1)).toBe(0x3b);
  });

  it("serves pictures immutable, with an ETag, nosniff and a CSP without scripts", async () => {
    const account = await verifiedMember();
    const dto = await (await upload(account.accessToken, photoPng, { name: "p.png", type: "image/png" })).json<MediaDto>();
    const res = await SELF.fetch(`${BASE}${dto.url}`);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("sandbox");
    expect(csp).not.toMatch(/script-src/);
    const etag = res.headers.get("etag")!;
    expect(etag).toBeTruthy();
    await res.body?.cancel();
    const again = await SELF.fetch(`${BASE}${dto.url}`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  it("stores a PNG named .jpg and declared image/jpeg as the PNG it is", async () => {
    const account = await verifiedMember();
    const res = await upload(account.accessToken, photoPng, { name: "holiday.jpg", type: "image/jpeg" });
    expect(res.status).toBe(201);
    const dto = await res.json<MediaDto>();
    const picture = await SELF.fetch(`${BASE}${dto.url}`);
    expect(picture.headers.get("content-type")).toBe("image/png");
    await picture.body?.cancel();
  });

  it.each([
    ["HTML", text("<!doctype html><script>alert(document.cookie)</script>")],
    ["SVG", text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
    ["PDF", text("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF")],
    ["ZIP", Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0, 0, ...new Array(30).fill(0)])],
    ["an empty file", new Uint8Array(0)],
  ])("refuses %s renamed .png with 415", async (_name, file) => {
    const account = await verifiedMember();
    const res = await upload(account.accessToken, file, { name: "innocent.png", type: "image/png" });
    expect(res.status).toBe(415);
    const body = await problemOf(res);
    expect(body.errors?.map((e) => e.path)).toEqual(["file"]);
    expect(body.detail).toMatch(/JPEG, PNG, WebP or GIF/);
  });

  it.each([
    ["a JPEG cut inside its scan", photoJpeg.slice(0, photoJpeg.length - 60)],
    ["a JPEG cut before its frame header", photoJpeg.slice(0, 60)],
    ["a PNG without IEND", photoPng.slice(0, photoPng.length - 12)],
    ["a GIF without trailer", photoGif.slice(0, photoGif.length - 1)],
  ])("refuses %s with 422", async (_name, file) => {
    const account = await verifiedMember();
    const res = await upload(account.accessToken, file);
    expect(res.status).toBe(422);
    expect((await problemOf(res)).errors?.[0]?.path).toBe("file");
  });

  it("refuses 10 MB + 1 byte with 413, and a body far over the limit too", async () => {
    const account = await verifiedMember();
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(photoPng.subarray(0, 33));
    const res = await upload(account.accessToken, big, { name: "big.png", type: "image/png" });
    expect(res.status).toBe(413);
    await problemOf(res);
    const huge = await upload(account.accessToken, new Uint8Array(11 * 1024 * 1024), { name: "huge.png", type: "image/png" });
    expect(huge.status).toBe(413);
    await problemOf(huge);
  });

  it("accepts exactly 10 MB", async () => {
    const account = await verifiedMember();
    const exact = new Uint8Array(10 * 1024 * 1024);
    exact.set(photoJpeg.subarray(0, photoJpeg.length - 2));
    exact.set([0xff, 0xd9], exact.length - 2);
    const res = await upload(account.accessToken, exact);
    expect(res.status).toBe(201);
  });

  it("is for verified members: visitors get 401, unconfirmed members 403", async () => {
    expect((await upload(undefined, photoPng)).status).toBe(401);
    const unverified = await member();
    const res = await upload(unverified.accessToken, photoPng);
    expect(res.status).toBe(403);
    await res.body?.cancel();
  });

  it("names the field when the request is not a file upload", async () => {
    const account = await verifiedMember();
    const wrongField = await upload(account.accessToken, photoPng, { field: "avatar" });
    expect(wrongField.status).toBe(400);
    expect((await problemOf(wrongField)).errors?.[0]?.path).toBe("file");
    const json = await SELF.fetch(`${BASE}/api/v1/media`, { method: "POST", headers: { Authorization: `Bearer ${account.accessToken}`, "Content-Type": "application/json" }, body: "{}" });
    expect(json.status).toBe(400);
    await problemOf(json);
  });

  it("answers 404 for unknown or malformed ids", async () => {
    for (const id of ["0193a0f2-3c4d-7e5f-8a9b-0c1d2e3f4a5b", "..%2F..%2Fetc", "x"]) {
      const res = await SELF.fetch(`${BASE}/api/v1/media/${id}`);
      expect(res.status).toBe(404);
      await problemOf(res);
    }
  });

  it("limits uploads to 60 an hour per member", async () => {
    const account = await verifiedMember();
    for (let i = 0; i < 60; i++) {
      const res = await upload(account.accessToken, photoPng);
      expect(res.status).toBe(201);
      await res.body?.cancel();
    }
    const res = await upload(account.accessToken, photoPng);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBeTruthy();
    await problemOf(res);
  });
});

describe("claiming media", () => {
  async function uploaded(token: string): Promise<MediaDto> {
    return (await upload(token, photoPng)).json<MediaDto>();
  }

  it("lets only the owner claim, once", async () => {
    const ana = await verifiedMember();
    const ben = await verifiedMember();
    const picture = await uploaded(ana.accessToken);
    await expect(claimMedia(ctxFor(), ben.user.id, [picture.id])).rejects.toMatchObject({ status: 400, errors: [{ path: "mediaIds" }] });
    expect(await claimMedia(ctxFor(), ana.user.id, [picture.id])).toEqual([picture]);
    await expect(claimMedia(ctxFor(), ana.user.id, [picture.id])).rejects.toMatchObject({ errors: [{ path: "mediaIds" }] });
  });

  it("claims all or nothing, in the order given", async () => {
    const ana = await verifiedMember();
    const ben = await verifiedMember();
    const [a, b] = [await uploaded(ana.accessToken), await uploaded(ana.accessToken)];
    const theirs = await uploaded(ben.accessToken);
    await expect(claimMedia(ctxFor(), ana.user.id, [a.id, theirs.id])).rejects.toMatchObject({ status: 400 });
    const row = await env.DB.prepare("SELECT attached_at AS attachedAt FROM media WHERE id = ?").bind(a.id).first<{ attachedAt: string | null }>();
    expect(row?.attachedAt).toBeNull();
    expect((await claimMedia(ctxFor(), ana.user.id, [b.id, a.id])).map((m) => m.id)).toEqual([b.id, a.id]);
  });

  it("refuses more than six, repeats and ids that are not ids", async () => {
    const ana = await verifiedMember();
    const ids = Array.from({ length: 7 }, () => crypto.randomUUID());
    await expect(claimMedia(ctxFor(), ana.user.id, ids)).rejects.toMatchObject({ status: 400 });
    const one = await uploaded(ana.accessToken);
    await expect(claimMedia(ctxFor(), ana.user.id, [one.id, one.id])).rejects.toMatchObject({ status: 400 });
    await expect(claimMedia(ctxFor(), ana.user.id, ["' OR 1=1 --"])).rejects.toMatchObject({ status: 400 });
  });

  it("gives a picture to exactly one of two racing claims", async () => {
    const ana = await verifiedMember();
    const picture = await uploaded(ana.accessToken);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => claimMedia(ctxFor(), ana.user.id, [picture.id])));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});

describe("pictures sent with a page form (no JavaScript)", () => {
  const memberCtx = (account: Awaited<ReturnType<typeof verifiedMember>>): Ctx => ({
    ...ctxFor(),
    user: { id: account.user.id, handle: account.user.handle, displayName: "", roles: [], emailVerified: true, sessionId: "" },
  });
  const count = async (ownerId: string) => (await env.DB.prepare("SELECT count(*) AS n FROM media WHERE owner_id = ?").bind(ownerId).first<{ n: number }>())!.n;

  it("stores the files after the ids MediaUpload wrote, skipping empty inputs", async () => {
    const ana = await verifiedMember();
    const first = await (await upload(ana.accessToken, photoPng)).json<MediaDto>();
    const form = new FormData();
    form.append("mediaIds", first.id);
    form.append("files", new File([new Uint8Array(photoJpeg)], "a.jpg"));
    form.append("files", new File([], ""));
    const ids = await mediaIdsFromForm(memberCtx(ana), form);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(first.id);
    expect(await count(ana.user.id)).toBe(2);
  });

  it("stores none when one file is refused, and refuses more than six", async () => {
    const ana = await verifiedMember();
    const form = new FormData();
    form.append("files", new File([new Uint8Array(photoJpeg)], "good.jpg"));
    form.append("files", new File([text("<svg/>")], "bad.png"));
    await expect(mediaIdsFromForm(memberCtx(ana), form)).rejects.toMatchObject({ status: 415, errors: [{ path: "files" }] });
    expect(await count(ana.user.id)).toBe(0);
    const seven = new FormData();
    for (let i = 0; i < 7; i++) seven.append("files", new File([new Uint8Array(photoPng)], `${i}.png`));
    await expect(mediaIdsFromForm(memberCtx(ana), seven)).rejects.toMatchObject({ status: 400, errors: [{ path: "files" }] });
    expect(await count(ana.user.id)).toBe(0);
  });
});

describe("account deletion", () => {
  it("can remove every picture a member uploaded from R2, and only theirs", async () => {
    const ana = await verifiedMember();
    const ben = await verifiedMember();
    await upload(ana.accessToken, photoPng);
    await upload(ana.accessToken, photoJpeg);
    const bens = await (await upload(ben.accessToken, photoPng)).json<MediaDto>();
    expect(await deleteMediaObjectsOf(env, ana.user.id)).toBe(2);
    expect((await env.MEDIA.list({ prefix: `media/${ana.user.id}/` })).objects).toHaveLength(0);
    const stillThere = await SELF.fetch(`${BASE}${bens.url}`);
    expect(stillThere.status).toBe(200);
    await stillThere.body?.cancel();
  });
});

describe("the cron sweep", () => {
  it("deletes uploads never attached after 24 hours, and orphaned media, with their R2 objects", async () => {
    const ana = await verifiedMember();
    const fresh = await (await upload(ana.accessToken, photoPng)).json<MediaDto>();
    const stale = await (await upload(ana.accessToken, photoPng)).json<MediaDto>();
    const orphan = await (await upload(ana.accessToken, photoPng)).json<MediaDto>();
    const old = new Date(Date.now() - 25 * 3600_000).toISOString();
    await env.DB.prepare("UPDATE media SET created_at = ? WHERE id = ?").bind(old, stale.id).run();
    await claimMedia(ctxFor(), ana.user.id, [orphan.id]);
    await env.DB.prepare("UPDATE media SET created_at = ?, attached_at = ? WHERE id = ?").bind(old, old, orphan.id).run();
    const keyOf = async (id: string) => (await env.DB.prepare("SELECT key FROM media WHERE id = ?").bind(id).first<{ key: string }>())?.key;
    const staleKey = (await keyOf(stale.id))!;
    const orphanKey = (await keyOf(orphan.id))!;

    await runScheduled(createScheduledController({ cron: "*/15 * * * *" }), env);

    expect(await keyOf(stale.id)).toBeUndefined();
    expect(await keyOf(orphan.id)).toBeUndefined();
    expect(await env.MEDIA.head(staleKey)).toBeNull();
    expect(await env.MEDIA.head(orphanKey)).toBeNull();
    expect(await keyOf(fresh.id)).toBeTruthy();
    const gone = await SELF.fetch(`${BASE}${stale.url}`);
    expect(gone.status).toBe(404);
    await gone.body?.cancel();
  });
});
