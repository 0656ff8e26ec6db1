/** Pictures with real dimensions (and location metadata to strip) for the media and story tests. */
import { gps, text } from "./images";

const bytes = (...parts: (number[] | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const u16 = (n: number) => [n >> 8, n & 0xff];
const u16le = (n: number) => [n & 0xff, n >> 8];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];
const u32be = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
const jpegSegment = (marker: number, payload: Uint8Array | number[]) => bytes([0xff, marker], u16(payload.length + 2), payload);
const pngChunk = (type: string, payload: Uint8Array | number[]) => bytes(u32be(payload.length), text(type), payload, [0, 0, 0, 0]);
const webpChunk = (type: string, payload: Uint8Array | number[]) => bytes(text(type), u32le(payload.length), payload, payload.length % 2 ? [0] : []);

/** 640 × 480 JPEG with EXIF GPS and a comment. */
export const photoJpeg = bytes(
  [0xff, 0xd8],
  jpegSegment(0xe0, text("JFIF\0\x01\x01")),
  jpegSegment(0xe1, bytes(text("Exif\0\0"), gps)),
  jpegSegment(0xfe, text("shot at Ana's house")),
  jpegSegment(0xdb, new Uint8Array(65)),
  jpegSegment(0xc0, [8, ...u16(480), ...u16(640), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]),
  [0xff, 0xda],
  u16(12),
  [3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0],
  new Uint8Array(200).fill(0x55),
  [0xff, 0xd9],
);

/** 3 × 2 PNG with an eXIf chunk. */
export const photoPng = bytes(
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  pngChunk("IHDR", [...u32be(3), ...u32be(2), 8, 2, 0, 0, 0]),
  pngChunk("eXIf", gps),
  pngChunk("IDAT", [1, 2, 3]),
  pngChunk("IEND", []),
);

/** 800 × 600 WebP (VP8X) with EXIF. */
const webpBody = bytes(webpChunk("VP8X", [0b1000, 0, 0, 0, ...u24le(799), ...u24le(599)]), webpChunk("VP8L", [0x2f, 0, 0, 0, 0]), webpChunk("EXIF", gps));
export const photoWebp = bytes(text("RIFF"), u32le(webpBody.length + 4), text("WEBP"), webpBody);

/** 5 × 4 GIF with a comment and an XMP application extension (both must go) and a loop extension (kept). */
export const photoGif = bytes(
  text("GIF89a"),
  u16le(5),
  u16le(4),
  [0, 0, 0],
  [0x21, 0xff, 11],
  text("NETSCAPE2.0"),
  [3, 1, 0, 0, 0],
  [0x21, 0xfe, gps.length],
  gps,
  [0],
  [0x21, 0xff, 11],
  text("XMP DataXMP"),
  [12],
  text("<x:xmpmeta/>"),
  [0],
  [0x2c, 0, 0, 0, 0, ...u16le(5), ...u16le(4), 0],
  [2, 2, 0x4c, 0x01, 0],
  [0x3b],
);

export { gps };
