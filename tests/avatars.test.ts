import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MeDto } from "../worker/schemas/auth";
import { api, BASE, member } from "./accounts";
import { contains, jpeg, text } from "./images";

function upload(token: string | undefined, file: Uint8Array, { name = "me.jpg", type = "image/jpeg", field = "avatar" } = {}) {
  const form = new FormData();
  form.append(field, new File([new Uint8Array(file)], name, { type }));
  return SELF.fetch(`${BASE}/api/v1/me/avatar`, { method: "POST", headers: token ? { Authorization: `Bearer ${token}` } : {}, body: form });
}

describe("profile pictures", () => {
  it("are stored without their location metadata and served from the profile", async () => {
    const account = await member();
    const res = await upload(account.accessToken, jpeg);
    expect(res.status).toBe(200);
    const { avatarUrl } = await res.json<{ avatarUrl: string }>();
    expect((await (await api("/me", { token: account.accessToken })).json<MeDto>()).avatarUrl).toBe(avatarUrl);
    const picture = await SELF.fetch(`${BASE}${avatarUrl}`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get("content-type")).toBe("image/jpeg");
    const bytes = new Uint8Array(await picture.arrayBuffer());
    expect(contains(bytes, "GPSLatitude")).toBe(false);
    expect(contains(bytes, "JFIF")).toBe(true);
  });

  it("are recognised by content: a text file called photo.jpg is refused", async () => {
    const account = await member();
    const res = await upload(account.accessToken, text("definitely not a picture"), { name: "photo.jpg" });
    expect(res.status).toBe(400);
    expect((await res.json<{ errors: { path: string }[] }>()).errors.map((e) => e.path)).toEqual(["avatar"]);
  });

  it("refuse SVG, which can carry scripts", async () => {
    const account = await member();
    const res = await upload(account.accessToken, text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), { name: "me.svg", type: "image/svg+xml" });
    expect(res.status).toBe(400);
  });

  it("refuse a file over 5 MB", async () => {
    const account = await member();
    const big = new Uint8Array(5 * 1024 * 1024 + 10);
    big.set(jpeg);
    const res = await upload(account.accessToken, big);
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("need the file in a field named avatar, as multipart", async () => {
    const account = await member();
    expect((await upload(account.accessToken, jpeg, { field: "picture" })).status).toBe(400);
    expect((await api("/me/avatar", { method: "POST", token: account.accessToken, json: { avatar: "data:image/jpeg;base64,/9j/" } })).status).toBe(400);
  });

  it("need a signed-in member", async () => {
    expect((await upload(undefined, jpeg)).status).toBe(401);
  });

  it("replace the previous picture instead of piling up", async () => {
    const account = await member();
    await upload(account.accessToken, jpeg);
    await upload(account.accessToken, jpeg);
    const stored = await env.MEDIA.list({ prefix: `avatars/${account.user.id}/` });
    expect(stored.objects).toHaveLength(1);
  });

  it("answer 404 for a member without one", async () => {
    const account = await member();
    expect((await api(`/users/${account.user.handle}/avatar`)).status).toBe(404);
  });
});
