/**
 * The SSRF guard for anything the Worker fetches on a member's behalf (link previews): only
 * http(s) URLs on the default ports, without credentials, whose host is a public name or a
 * public IP address. The WHATWG URL parser already turns every spelling of an IPv4 address
 * (decimal `2130706433`, octal `0177.0.0.1`, hex `0x7f.1`, short `127.1`) into dotted quads
 * and compresses IPv6, so the checks below see one canonical form; they parse it themselves
 * anyway, so a form the parser left alone is still judged by its numbers, never by its text.
 *
 * Workers cannot resolve DNS before fetching, so a public name that resolves to a private
 * address is not caught here; see docs/media.md for why that is acceptable on Cloudflare.
 */
export type PublicUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export const MAX_URL_LENGTH = 2048;

const BLOCKED_SUFFIXES = [".localhost", ".internal", ".local", ".home.arpa", ".lan", ".intranet", ".corp", ".arpa"];
const BLOCKED_NAMES = new Set(["localhost", "metadata.google.internal", "metadata", "instance-data"]);

export function checkPublicUrl(input: string | URL): PublicUrlCheck {
  const raw = String(input);
  if (raw.length > MAX_URL_LENGTH) return refuse("the address is too long");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("not a valid address");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return refuse("only http and https addresses are fetched");
  if (url.username !== "" || url.password !== "") return refuse("addresses with credentials are not fetched");
  if (url.port !== "" && url.port !== "80" && url.port !== "443") return refuse("only the default ports 80 and 443 are fetched");
  const host = url.hostname.toLowerCase();
  if (host.startsWith("[")) {
    const groups = parseIpv6(host.slice(1, -1));
    if (!groups) return refuse("not a valid IPv6 address");
    return isPublicIpv6(groups) ? { ok: true, url } : refuse("a private or reserved IPv6 address");
  }
  const ipv4 = parseIpv4(host);
  if (ipv4 !== undefined) return isPublicIpv4(ipv4) ? { ok: true, url } : refuse("a private or reserved IPv4 address");
  if (ipv4 === undefined && looksNumeric(host)) return refuse("not a valid IP address");
  const name = host.replace(/\.+$/, "");
  if (name === "" || !name.includes(".")) return refuse("not a public host name");
  if (BLOCKED_NAMES.has(name) || BLOCKED_SUFFIXES.some((suffix) => name.endsWith(suffix))) return refuse("not a public host name");
  return { ok: true, url };
}

export function isPublicUrl(input: string | URL): boolean {
  return checkPublicUrl(input).ok;
}

function refuse(reason: string): PublicUrlCheck {
  return { ok: false, reason };
}

/** A host whose last label is numeric is an IPv4 address to the URL standard, never a name. */
function looksNumeric(host: string): boolean {
  const last = host.replace(/\.+$/, "").split(".").pop() ?? "";
  return /^(0x[0-9a-f]*|[0-9]+)$/i.test(last);
}

/** IPv4 in any spelling the URL standard accepts (1 to 4 parts, decimal, octal or hex), as a 32-bit number. */
export function parseIpv4(host: string): number | undefined {
  const trimmed = host.endsWith(".") ? host.slice(0, -1) : host;
  const parts = trimmed.split(".");
  if (parts.length === 0 || parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) value = parseInt(part.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) value = Number(part);
    else return undefined;
    if (!Number.isSafeInteger(value)) return undefined;
    numbers.push(value);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return undefined;
  return numbers.reduce((acc, n, i) => acc + n * 256 ** (3 - i), 0) + last;
}

/** Ranges that are never a public web server: RFC 6890 special-purpose blocks, private, CGNAT, multicast. */
const IPV4_BLOCKED: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // CGNAT (Alibaba's metadata 100.100.100.200 lives here)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata 169.254.169.254
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

const IPV4_BLOCKED_NUMERIC = IPV4_BLOCKED.map(([base, bits]) => [parseIpv4(base)!, bits] as const);

export function isPublicIpv4(address: number): boolean {
  return !IPV4_BLOCKED_NUMERIC.some(([base, bits]) => Math.floor(address / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)));
}

/** Eight 16-bit groups, or undefined. Accepts `::` compression and a trailing dotted IPv4. */
export function parseIpv6(text: string): number[] | undefined {
  const zone = text.indexOf("%");
  if (zone !== -1) return undefined; // zone ids name a local interface: never public
  let head = text;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseStrictDottedQuad(dotted[2]!);
    if (v4 === undefined) return undefined;
    head = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
    tail.push(Math.floor(v4 / 65536), v4 % 65536);
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === "") return [];
    const groups = s.split(":");
    if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return undefined;
  const known = left.length + right.length + tail.length;
  if (halves.length === 1) return known === 8 ? [...left, ...tail] : undefined;
  if (known > 7) return undefined;
  return [...left, ...new Array<number>(8 - known).fill(0), ...right, ...tail];
}

function parseStrictDottedQuad(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/**
 * Only global unicast (2000::/3) is public, minus documentation (2001:db8::/32), the IETF
 * protocol block with Teredo (2001::/23) and 6to4 (2002::/16), whose embedded IPv4 could be
 * anything. IPv4-mapped and -compatible forms (::ffff:a.b.c.d, ::a.b.c.d) and NAT64
 * (64:ff9b::/96) are judged by the IPv4 address inside.
 */
export function isPublicIpv6(groups: number[]): boolean {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const embedded = g6 * 65536 + g7;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && (g5 === 0xffff || g5 === 0)) {
    return g5 === 0xffff && isPublicIpv4(embedded);
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPublicIpv4(embedded);
  if ((g0 & 0xe000) !== 0x2000) return false;
  if (g0 === 0x2001 && g1 === 0x0db8) return false;
  if (g0 === 0x2001 && g1 < 0x0200) return false;
  if (g0 === 0x2002) return false;
  return true;
}
