import { describe, expect, it } from "vitest";
import { fromBase64url, toBase64url } from "../../worker/lib/base64url";
import { renderQrSvg, signTicketCode, ticketPublicKey, verifyTicketCode, type TicketClaims } from "../../worker/lib/ticket-code";

const SECRET = "test-jwt-secret-for-tickets-0123456789";
const OTHER_SECRET = "another-deployment-jwt-secret-9876543210";

const ticket: TicketClaims = {
  ticketId: "0198c0de-7a11-7c3e-9f00-4b1d2c3e4f50",
  eventId: "0198beef-0000-7000-8000-000000000001",
  occurrenceKey: "2025-11-08",
  issuedAtSeconds: 1_760_000_000,
};

// Made with Node's crypto, independently of our code: HKDF-SHA256("reference-jwt-secret",
// salt "mundo-tango", info "ticket-signing-v1") → PKCS#8 Ed25519 seed → crypto.sign over "MT1.<payload>".
// Ed25519 signatures are deterministic, so our signer must produce the same code byte for byte.
const REFERENCE = {
  secret: "reference-jwt-secret",
  publicKey: "Bav_vXKwMuShrHBimM0vBMJaIZDTm3HZU7tWMgC1bRw",
  code:
    "MT1.MDE5OGMwZGUtN2ExMS03YzNlLTlmMDAtNGIxZDJjM2U0ZjUwfDAxOThiZWVmLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMXwyMDI1LTExLTA4fDE3NjAwMDAwMDA" +
    ".C_qjXlv54-bF40nrlsilG1f8zt1B17O0XbXK1vYbi94AE0SIQTepVmkvHfodgjjc4NRUkJmSlpQY006VskWIDQ",
};

function utf8Base64url(text: string): string {
  return toBase64url(new TextEncoder().encode(text));
}

describe("signTicketCode and verifyTicketCode", () => {
  it("verifies a code it signed and returns the ticket it names", async () => {
    const code = await signTicketCode(SECRET, ticket);
    expect(code).toMatch(/^MT1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
    expect(await verifyTicketCode(await ticketPublicKey(SECRET), code)).toEqual({ ok: true, ticket });
  });

  it("round-trips a ticket for a one-off event, which has no occurrence", async () => {
    const oneOff = { ticketId: ticket.ticketId, eventId: ticket.eventId, issuedAtSeconds: ticket.issuedAtSeconds };
    const code = await signTicketCode(SECRET, oneOff);
    expect(await verifyTicketCode(await ticketPublicKey(SECRET), code)).toEqual({ ok: true, ticket: oneOff });
  });

  it("verifies with an imported CryptoKey, as a check-in page holding the key would", async () => {
    const publicKey = await crypto.subtle.importKey("raw", new Uint8Array(fromBase64url(await ticketPublicKey(SECRET))), { name: "Ed25519" }, false, ["verify"]);
    const code = await signTicketCode(SECRET, ticket);
    expect(await verifyTicketCode(publicKey, code)).toEqual({ ok: true, ticket });
  });

  it("accepts a code with the whitespace a scanner may add around it", async () => {
    const code = await signTicketCode(SECRET, ticket);
    expect((await verifyTicketCode(await ticketPublicKey(SECRET), ` ${code}\n`)).ok).toBe(true);
  });

  it("signs exactly as a reference Ed25519 implementation does, from the same derived key", async () => {
    expect(await ticketPublicKey(REFERENCE.secret)).toBe(REFERENCE.publicKey);
    expect(await signTicketCode(REFERENCE.secret, ticket)).toBe(REFERENCE.code);
    expect(await verifyTicketCode(REFERENCE.publicKey, REFERENCE.code)).toEqual({ ok: true, ticket });
  });

  it("rejects a code whose payload was changed to admit another event", async () => {
    const [version, , signature] = (await signTicketCode(SECRET, ticket)).split(".");
    const forgedPayload = utf8Base64url(`${ticket.ticketId}|0198beef-0000-7000-8000-000000000002|2025-11-08|${ticket.issuedAtSeconds}`);
    const check = await verifyTicketCode(await ticketPublicKey(SECRET), `${version}.${forgedPayload}.${signature}`);
    expect(check).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("rejects a code whose signature was altered", async () => {
    const code = await signTicketCode(SECRET, ticket);
    const signatureStart = code.lastIndexOf(".") + 1;
    const flipped = code[signatureStart + 10] === "A" ? "B" : "A";
    const tampered = code.slice(0, signatureStart + 10) + flipped + code.slice(signatureStart + 11);
    expect(await verifyTicketCode(await ticketPublicKey(SECRET), tampered)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("rejects a code signed with another deployment's secret", async () => {
    const code = await signTicketCode(OTHER_SECRET, ticket);
    expect(await verifyTicketCode(await ticketPublicKey(SECRET), code)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("rejects a code carrying another ticket's signature", async () => {
    const [, , otherSignature] = (await signTicketCode(SECRET, { ...ticket, ticketId: "0198c0de-7a11-7c3e-9f00-000000000000" })).split(".");
    const [version, payload] = (await signTicketCode(SECRET, ticket)).split(".");
    expect(await verifyTicketCode(await ticketPublicKey(SECRET), `${version}.${payload}.${otherSignature}`)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("rejects garbage as malformed", async () => {
    const publicKey = await ticketPublicKey(SECRET);
    for (const garbage of ["", "hello", "MT1", "MT1..", "MT1.a.b.c", "MT1.!!!.@@@", `MT1.${utf8Base64url("x")}.${"A".repeat(10)}`]) {
      expect(await verifyTicketCode(publicKey, garbage), garbage).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("rejects a code with another version prefix, even with a valid signature and payload", async () => {
    const [, payload, signature] = (await signTicketCode(SECRET, ticket)).split(".");
    expect(await verifyTicketCode(await ticketPublicKey(SECRET), `MT2.${payload}.${signature}`)).toEqual({ ok: false, reason: "unsupported-version" });
    expect(await verifyTicketCode(await ticketPublicKey(SECRET), `mt1.${payload}.${signature}`)).toEqual({ ok: false, reason: "unsupported-version" });
  });

  it("refuses to sign a field containing the separator, which would shift the fields", async () => {
    await expect(signTicketCode(SECRET, { ...ticket, occurrenceKey: "2025-11-08|extra" })).rejects.toThrow(TypeError);
  });
});

describe("ticketPublicKey", () => {
  it("is the same for the same secret, so codes survive restarts and every isolate agrees", async () => {
    const first = await ticketPublicKey(SECRET);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await ticketPublicKey(`${SECRET}`)).toBe(first);
    expect(fromBase64url(first)).toHaveLength(32);
  });

  it("differs between secrets", async () => {
    expect(await ticketPublicKey(SECRET)).not.toBe(await ticketPublicKey(OTHER_SECRET));
  });
});

describe("renderQrSvg", () => {
  it("renders a titled, accessible SVG of a ticket code", async () => {
    const svg = renderQrSvg(await signTicketCode(SECRET, ticket));
    expect(svg).toMatch(/^<svg role="img" xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"><title>Ticket QR code<\/title>/);
    expect(svg).toContain("<path ");
    expect(svg.endsWith("</svg>")).toBe(true);
  });

  it("escapes the title", () => {
    const svg = renderQrSvg("MT1.x.y", `Ticket for <Milonga "La Yumba"> & friends`);
    expect(svg).toContain("<title>Ticket for &lt;Milonga &quot;La Yumba&quot;&gt; &amp; friends</title>");
  });
});
