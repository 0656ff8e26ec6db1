/** Tiny but well-formed images with location metadata, built byte by byte for the tests. */
export const text = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (number[] | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const u16 = (n: number) => [n >> 8, n & 0xff];
const u32be = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
export const contains = (haystack: Uint8Array, needle: string) => new TextDecoder("latin1").decode(haystack).includes(needle);

function jpegSegment(marker: number, payload: Uint8Array) {
  return bytes([0xff, marker], u16(payload.length + 2), payload);
}
function pngChunk(type: string, payload: Uint8Array) {
  return bytes(u32be(payload.length), text(type), payload, [0, 0, 0, 0]);
}
function webpChunk(type: string, payload: Uint8Array) {
  return bytes(text(type), u32le(payload.length), payload, payload.length % 2 ? [0] : []);
}

export const gps = text("GPSLatitude -34.6037 GPSLongitude -58.3816");

export const jpeg = bytes(
  [0xff, 0xd8],
  jpegSegment(0xe0, text("JFIF\0\x01\x01")),
  jpegSegment(0xe1, bytes(text("Exif\0\0"), gps)),
  jpegSegment(0xfe, text("shot at Ana's house")),
  jpegSegment(0xdb, new Uint8Array(65)),
  [0xff, 0xda],
  u16(8),
  [1, 1, 0, 0, 0x3f, 0],
  [0x12, 0x34, 0xff, 0xd9],
);

export const png = bytes(
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  pngChunk("IHDR", new Uint8Array(13)),
  pngChunk("eXIf", gps),
  pngChunk("tEXt", text("Comment\0at home")),
  pngChunk("IDAT", new Uint8Array([1, 2, 3])),
  pngChunk("IEND", new Uint8Array(0)),
);

const webpBody = bytes(
  webpChunk("VP8X", Uint8Array.from([0b1100, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
  webpChunk("VP8L", new Uint8Array(5)),
  webpChunk("EXIF", gps),
  webpChunk("XMP ", text("<x:xmpmeta/>")),
);
export const webp = bytes(text("RIFF"), u32le(webpBody.length + 4), text("WEBP"), webpBody);

