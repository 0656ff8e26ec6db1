/**
 * Recognises JPEG, PNG and WebP by their magic bytes (never by file name or declared type)
 * and removes the metadata a photo can leak: EXIF (GPS position, camera serial), XMP,
 * IPTC and comments. Pixels are left untouched. Returns undefined for anything else or for
 * a file whose structure does not hold together.
 */
export type ImageType = "image/jpeg" | "image/png" | "image/webp";

export interface CleanImage {
  type: ImageType;
  bytes: Uint8Array;
}

export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b)) return "image/png";
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return "image/webp";
  return undefined;
}

export function stripImageMetadata(bytes: Uint8Array): CleanImage | undefined {
  const type = sniffImageType(bytes);
  try {
    if (type === "image/jpeg") return wrap(type, stripJpeg(bytes));
    if (type === "image/png") return wrap(type, stripPng(bytes));
    if (type === "image/webp") return wrap(type, stripWebp(bytes));
  } catch {
    return undefined;
  }
  return undefined;
}

function wrap(type: ImageType, bytes: Uint8Array | undefined): CleanImage | undefined {
  return bytes ? { type, bytes } : undefined;
}

const JPEG_DROPPED = new Set([0xe1, 0xed, 0xfe]); // APP1 (EXIF, XMP), APP13 (IPTC), COM

function stripJpeg(bytes: Uint8Array): Uint8Array | undefined {
  const out: Uint8Array[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xda) {
      out.push(bytes.subarray(at)); // start of scan: the compressed image follows as is
      return concat(out);
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2 || at + 2 + length > bytes.length) return undefined;
    if (!JPEG_DROPPED.has(marker)) out.push(bytes.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return undefined;
}

const PNG_DROPPED = new Set(["eXIf", "tEXt", "iTXt", "zTXt", "tIME"]);

function stripPng(bytes: Uint8Array): Uint8Array | undefined {
  const out: Uint8Array[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
    const type = ascii(bytes, at + 4, 4);
    const end = at + 12 + length;
    if (end > bytes.length) return undefined;
    if (!PNG_DROPPED.has(type)) out.push(bytes.subarray(at, end));
    at = end;
    if (type === "IEND") return concat(out);
  }
  return undefined;
}

function stripWebp(bytes: Uint8Array): Uint8Array | undefined {
  const chunks: Uint8Array[] = [];
  let at = 12;
  while (at + 8 <= bytes.length) {
    const type = ascii(bytes, at, 4);
    const size = new DataView(bytes.buffer, bytes.byteOffset + at + 4, 4).getUint32(0, true);
    const end = at + 8 + size + (size % 2);
    if (at + 8 + size > bytes.length) return undefined;
    if (type !== "EXIF" && type !== "XMP ") {
      const chunk = bytes.slice(at, Math.min(end, bytes.length));
      // VP8X announces EXIF (bit 3) and XMP (bit 2); they are gone now.
      if (type === "VP8X" && chunk.length > 8) chunk[8] = chunk[8]! & ~0b1100;
      chunks.push(chunk);
    }
    at = end;
  }
  const body = concat(chunks);
  const header = new Uint8Array(12);
  header.set(bytes.subarray(0, 12));
  new DataView(header.buffer).setUint32(4, body.length + 4, true);
  return concat([header, body]);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Post and story pictures may also be GIFs (avatars and covers may not): the same sniffing
 * plus GIF87a/GIF89a, whose comment and application extensions (XMP lives in one) are
 * dropped, keeping only the loop-count extensions animations need.
 */
export type MediaImageType = ImageType | "image/gif";

export function sniffMediaType(bytes: Uint8Array): MediaImageType | undefined {
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a")) return "image/gif";
  return sniffImageType(bytes);
}

export function stripMediaMetadata(bytes: Uint8Array): { type: MediaImageType; bytes: Uint8Array } | undefined {
  if (sniffMediaType(bytes) !== "image/gif") return stripImageMetadata(bytes);
  try {
    const clean = stripGif(bytes);
    return clean ? { type: "image/gif", bytes: clean } : undefined;
  } catch {
    return undefined;
  }
}

const GIF_KEPT_APPLICATIONS = new Set(["NETSCAPE2.0", "ANIMEXTS1.0"]);

function stripGif(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length < 13) return undefined;
  const flags = bytes[10]!;
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  if (at > bytes.length) return undefined;
  const out: Uint8Array[] = [bytes.subarray(0, at)];
  /** Index just past a run of data sub-blocks starting at `from`, or undefined when cut short. */
  const skipSubBlocks = (from: number): number | undefined => {
    let i = from;
    while (i < bytes.length) {
      const size = bytes[i]!;
      i += 1 + size;
      if (size === 0) return i <= bytes.length ? i : undefined;
    }
    return undefined;
  };
  let images = 0;
  while (at < bytes.length) {
    const introducer = bytes[at]!;
    if (introducer === 0x3b) {
      out.push(bytes.subarray(at, at + 1));
      return images > 0 ? concat(out) : undefined;
    }
    if (introducer === 0x21) {
      const label = bytes[at + 1];
      if (label === undefined) return undefined;
      const end = skipSubBlocks(at + 2);
      if (end === undefined) return undefined;
      const application = label === 0xff && bytes[at + 2] === 11 ? ascii(bytes, at + 3, 11) : "";
      const keep = label === 0xf9 || label === 0x01 || (label === 0xff && GIF_KEPT_APPLICATIONS.has(application));
      if (keep) out.push(bytes.subarray(at, end));
      at = end;
      continue;
    }
    if (introducer === 0x2c) {
      if (at + 10 > bytes.length) return undefined;
      const local = bytes[at + 9]!;
      const dataStart = at + 10 + (local & 0x80 ? 3 * 2 ** ((local & 0x07) + 1) : 0) + 1; // + LZW minimum code size
      if (dataStart > bytes.length) return undefined;
      const end = skipSubBlocks(dataStart);
      if (end === undefined) return undefined;
      out.push(bytes.subarray(at, end));
      images++;
      at = end;
      continue;
    }
    return undefined;
  }
  return undefined; // no trailer: truncated
}
