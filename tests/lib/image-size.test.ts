import { describe, expect, it } from "vitest";
import { sniffMediaType, stripImageMetadata, stripMediaMetadata } from "../../worker/lib/image-metadata";
import { readImageSize } from "../../worker/lib/image-size";
import { contains } from "../images";
import { photoGif, photoJpeg, photoPng, photoWebp } from "../media-images";

describe("readImageSize", () => {
  it.each([
    ["JPEG", photoJpeg, "image/jpeg", 640, 480],
    ["PNG", photoPng, "image/png", 3, 2],
    ["WebP", photoWebp, "image/webp", 800, 600],
    ["GIF", photoGif, "image/gif", 5, 4],
  ] as const)("reads a %s's size from its header", (_name, image, type, width, height) => {
    expect(sniffMediaType(image)).toBe(type);
    expect(readImageSize(image, type)).toEqual({ width, height });
  });

  it("finds no size in a JPEG without an end marker or without a frame header", () => {
    expect(readImageSize(photoJpeg.slice(0, -2), "image/jpeg")).toBeUndefined();
    expect(readImageSize(photoJpeg.slice(0, 40), "image/jpeg")).toBeUndefined();
  });

  it("counts a zero-pixel image as unreadable", () => {
    const zero = photoPng.slice();
    zero.fill(0, 16, 20);
    expect(readImageSize(zero, "image/png")).toBeUndefined();
  });

  it("refuses a WebP whose RIFF size runs past the file", () => {
    expect(readImageSize(photoWebp.slice(0, 32), "image/webp")).toBeUndefined();
  });
});

describe("GIF metadata", () => {
  it("drops comments and XMP but keeps the loop extension and the image", () => {
    const clean = stripMediaMetadata(photoGif)!;
    expect(clean.type).toBe("image/gif");
    expect(contains(clean.bytes, "GPSLatitude")).toBe(false);
    expect(contains(clean.bytes, "xmpmeta")).toBe(false);
    expect(contains(clean.bytes, "NETSCAPE2.0")).toBe(true);
    expect(clean.bytes.at(-1)).toBe(0x3b);
    expect(readImageSize(clean.bytes, "image/gif")).toEqual({ width: 5, height: 4 });
  });

  it("refuses a GIF cut short, or with no image at all", () => {
    expect(stripMediaMetadata(photoGif.slice(0, -1))).toBeUndefined();
    expect(stripMediaMetadata(Uint8Array.from([...new TextEncoder().encode("GIF89a"), 1, 0, 1, 0, 0, 0, 0, 0x3b]))).toBeUndefined();
  });

  it("stays out of avatars and covers: stripImageMetadata still refuses GIFs", () => {
    expect(stripImageMetadata(photoGif)).toBeUndefined();
  });
});
