import { describe, expect, it } from "vitest";
import { sniffImageType, stripImageMetadata } from "../../worker/lib/image-metadata";
import { contains, jpeg, png, text, webp } from "../images";

describe("image metadata", () => {
  it.each([
    ["JPEG", jpeg, "image/jpeg"],
    ["PNG", png, "image/png"],
    ["WebP", webp, "image/webp"],
  ] as const)("recognises a %s by its magic bytes", (_name, image, type) => {
    expect(sniffImageType(image)).toBe(type);
  });

  it("refuses what is not an image, whatever it claims", () => {
    expect(sniffImageType(text("<svg onload=alert(1)>"))).toBeUndefined();
    expect(stripImageMetadata(text("GIF89a..."))).toBeUndefined();
    expect(stripImageMetadata(new Uint8Array(0))).toBeUndefined();
  });

  it("drops EXIF and comments from a JPEG and keeps the image data", () => {
    const clean = stripImageMetadata(jpeg)!;
    expect(clean.type).toBe("image/jpeg");
    expect(contains(clean.bytes, "GPSLatitude")).toBe(false);
    expect(contains(clean.bytes, "Ana's house")).toBe(false);
    expect(contains(clean.bytes, "JFIF")).toBe(true);
    expect([...clean.bytes.slice(-4)]).toEqual([0x12, 0x34, 0xff, 0xd9]);
  });

  it("drops eXIf and text chunks from a PNG", () => {
    const clean = stripImageMetadata(png)!;
    expect(contains(clean.bytes, "GPSLatitude")).toBe(false);
    expect(contains(clean.bytes, "at home")).toBe(false);
    expect(contains(clean.bytes, "IDAT")).toBe(true);
    expect(contains(clean.bytes, "IEND")).toBe(true);
  });

  it("drops EXIF and XMP from a WebP and fixes its header", () => {
    const clean = stripImageMetadata(webp)!;
    expect(contains(clean.bytes, "GPSLatitude")).toBe(false);
    expect(contains(clean.bytes, "xmpmeta")).toBe(false);
    expect(new DataView(clean.bytes.buffer).getUint32(4, true)).toBe(clean.bytes.length - 8);
    expect(clean.bytes[20]! & 0b1100).toBe(0);
  });

  it("refuses a truncated file instead of guessing", () => {
    expect(stripImageMetadata(jpeg.subarray(0, 30))).toBeUndefined();
    expect(stripImageMetadata(png.subarray(0, 40))).toBeUndefined();
  });
});
