import { renderSVG } from "uqr";
import { fromBase64url, toBase64url } from "./base64url";

// Bundled into the check-in page too, where it verifies codes offline: only crypto.subtle,
// atob/btoa and pure modules here, nothing server-only.

const VERSION = "MT1";
const FIELD_SEPARATOR = "|";
const ED25519 = { name: "Ed25519" } as const;
/** DER header of a PKCS#8 Ed25519 private key (RFC 8410); the 32-byte seed follows it. */
const PKCS8_ED25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

export interface TicketClaims {
  ticketId: string;
  eventId: string;
  /** Which date of a recurring event the ticket admits to; absent for one-off events. */
  occurrenceKey?: string;
  issuedAtSeconds: number;
}

export type TicketCodeCheck = { ok: true; ticket: TicketClaims } | { ok: false; reason: "malformed" | "unsupported-version" | "bad-signature" };

interface TicketSigningKeys {
  privateKey: CryptoKey;
  publicKeyBase64url: string;
}

const signingKeysBySecret = new Map<string, Promise<TicketSigningKeys>>();
const publicKeysByText = new Map<string, Promise<CryptoKey>>();

/**
 * `MT1.<base64url(payload)>.<base64url(Ed25519 signature)>`. The signature covers the version
 * prefix as well as the payload, so a future format cannot be fed a v1 signature.
 */
export async function signTicketCode(secret: string, claims: TicketClaims): Promise<string> {
  const { privateKey } = await ticketSigningKeys(secret);
  const signedPart = `${VERSION}.${toBase64url(new TextEncoder().encode(encodeClaims(claims)))}`;
  const signature = await crypto.subtle.sign(ED25519, privateKey, new TextEncoder().encode(signedPart));
  return `${signedPart}.${toBase64url(new Uint8Array(signature))}`;
}

/** The raw 32-byte Ed25519 public key, base64url: what check-in pages verify codes with. */
export async function ticketPublicKey(secret: string): Promise<string> {
  return (await ticketSigningKeys(secret)).publicKeyBase64url;
}

export async function verifyTicketCode(publicKey: string | CryptoKey, code: string): Promise<TicketCodeCheck> {
  const parts = code.trim().split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [version, payloadText, signatureText] = parts as [string, string, string];
  if (version !== VERSION) return { ok: false, reason: "unsupported-version" };

  let payloadBytes: Uint8Array;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    payloadBytes = fromBase64url(payloadText);
    signature = new Uint8Array(fromBase64url(signatureText));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (signature.length !== 64) return { ok: false, reason: "malformed" };

  const key = typeof publicKey === "string" ? await importPublicKey(publicKey) : publicKey;
  const valid = await crypto.subtle.verify(ED25519, key, signature, new TextEncoder().encode(`${version}.${payloadText}`));
  if (!valid) return { ok: false, reason: "bad-signature" };

  let payload: string;
  try {
    payload = new TextDecoder("utf-8", { fatal: true }).decode(payloadBytes);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const ticket = decodeClaims(payload);
  return ticket ? { ok: true, ticket } : { ok: false, reason: "malformed" };
}

/** An accessible SVG of the code; the quiet zone of 4 modules is what the QR spec asks scanners to rely on. */
export function renderQrSvg(text: string, title = "Ticket QR code"): string {
  const svg = renderSVG(text, { ecc: "M", border: 4 });
  return svg.replace(/^<svg /, `<svg role="img" `).replace(/^(<svg[^>]*>)/, `$1<title>${escapeXml(title)}</title>`);
}

function encodeClaims({ ticketId, eventId, occurrenceKey = "", issuedAtSeconds }: TicketClaims): string {
  for (const [name, value] of Object.entries({ ticketId, eventId, occurrenceKey })) {
    if (value.includes(FIELD_SEPARATOR)) throw new TypeError(`${name} must not contain "${FIELD_SEPARATOR}"`);
  }
  if (!ticketId || !eventId) throw new TypeError("ticketId and eventId are required");
  if (!Number.isSafeInteger(issuedAtSeconds) || issuedAtSeconds < 0) throw new RangeError(`issuedAtSeconds must be whole seconds, got ${issuedAtSeconds}`);
  return [ticketId, eventId, occurrenceKey, issuedAtSeconds].join(FIELD_SEPARATOR);
}

function decodeClaims(payload: string): TicketClaims | undefined {
  const fields = payload.split(FIELD_SEPARATOR);
  if (fields.length !== 4) return undefined;
  const [ticketId, eventId, occurrenceKey, issuedAtText] = fields as [string, string, string, string];
  if (!ticketId || !eventId || !/^\d{1,15}$/.test(issuedAtText)) return undefined;
  const claims: TicketClaims = { ticketId, eventId, issuedAtSeconds: Number(issuedAtText) };
  if (occurrenceKey) claims.occurrenceKey = occurrenceKey;
  return claims;
}

/**
 * Derived from the Worker's existing secret, so tickets need no new secret to provision or rotate:
 * HKDF-SHA256 gives a 32-byte seed that becomes the Ed25519 private key. Cached per isolate.
 */
function ticketSigningKeys(secret: string): Promise<TicketSigningKeys> {
  let keys = signingKeysBySecret.get(secret);
  if (!keys) {
    keys = deriveTicketSigningKeys(secret);
    signingKeysBySecret.set(secret, keys);
    keys.catch(() => signingKeysBySecret.delete(secret));
  }
  return keys;
}

async function deriveTicketSigningKeys(secret: string): Promise<TicketSigningKeys> {
  const encoder = new TextEncoder();
  const secretKey = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveBits"]);
  const seed = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode("mundo-tango"), info: encoder.encode("ticket-signing-v1") },
    secretKey,
    256,
  );
  const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
  pkcs8.set(PKCS8_ED25519_PREFIX);
  pkcs8.set(new Uint8Array(seed), PKCS8_ED25519_PREFIX.length);

  // Extractable only long enough to read the public half from its JWK; the kept key is not.
  const exportable = await crypto.subtle.importKey("pkcs8", pkcs8, ED25519, true, ["sign"]);
  const { x } = (await crypto.subtle.exportKey("jwk", exportable)) as JsonWebKey;
  if (!x) throw new Error("Ed25519 JWK export carried no public key");
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, ED25519, false, ["sign"]);
  return { privateKey, publicKeyBase64url: x };
}

function importPublicKey(publicKeyBase64url: string): Promise<CryptoKey> {
  let key = publicKeysByText.get(publicKeyBase64url);
  if (!key) {
    key = crypto.subtle.importKey("raw", new Uint8Array(fromBase64url(publicKeyBase64url)), ED25519, true, ["verify"]);
    publicKeysByText.set(publicKeyBase64url, key);
    key.catch(() => publicKeysByText.delete(publicKeyBase64url));
  }
  return key;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
