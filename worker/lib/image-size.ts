import type { MediaImageType } from "./image-metadata";

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Width and height from an image's header, without decoding pixels; undefined when the header
 * is missing or cut short, or a JPEG has no end-of-image marker after its scan (truncated
 * upload). An image that says it is 0 pixels wide counts as unreadable too.
 */
export function readImageSize(bytes: Uint8Array, type: MediaImageType): ImageSize | undefined {
  const size = read(bytes, type);
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}

function read(bytes: Uint8Array, type: MediaImageType): ImageSize | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case "image/png":
      if (bytes.length < 24 || ascii(bytes, 12, 4) !== "IHDR") return undefined;
      return { width: view.getUint32(16), height: view.getUint32(20) };
    case "image/gif":
      if (bytes.length < 10) return undefined;
      return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
    case "image/webp":
      return webpSize(bytes, view);
    case "image/jpeg":
      return jpegSize(bytes, view);
  }
}

function webpSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  if (bytes.length < 30) return undefined;
  if (view.getUint32(4, true) + 8 > bytes.length) return undefined; // RIFF size larger than the file: cut short
  const chunk = ascii(bytes, 12, 4);
  if (chunk === "VP8X") return { width: 1 + u24le(bytes, 24), height: 1 + u24le(bytes, 27) };
  if (chunk === "VP8L") {
    if (bytes[20] !== 0x2f) return undefined;
    const bits = view.getUint32(21, true);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  if (chunk === "VP8 ") {
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined;
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  return undefined;
}

// SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
const NOT_SOF = new Set([0xc4, 0xc8, 0xcc]);

function jpegSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  let at = 2;
  let size: ImageSize | undefined;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xda) return size && hasEndOfImage(bytes, at) ? size : undefined;
    const length = view.getUint16(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) return undefined;
    if (marker >= 0xc0 && marker <= 0xcf && !NOT_SOF.has(marker) && length >= 7) {
      size = { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

/** Entropy-coded data never contains FF D9 (an FF in it is always followed by 00 or a restart marker). */
function hasEndOfImage(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.length - 2; i > from; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  return false;
}

function u24le(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}
