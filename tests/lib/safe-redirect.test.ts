import { describe, expect, it } from "vitest";
import { safeRedirect } from "../../app/lib/form-problems";

describe("safeRedirect", () => {
  it.each(["/", "/events/new?city=montevideo", "/people/ana#posts", "/cities/san-jos%C3%A9"])("keeps our own path %s", (path) => {
    expect(safeRedirect(path)).toBe(path);
  });

  it.each([
    ["another site", "https://evil.example/"],
    ["a protocol-relative address", "//evil.example/"],
    ["a backslash that browsers read as a slash", "/\\evil.example/"],
    ["a tab browsers strip from Location", "/\t/evil.example/"],
    ["a newline", "/\n/evil.example/"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a relative path", "events"],
    ["nothing", null],
  ])("falls back to / for %s", (_name, target) => {
    expect(safeRedirect(target)).toBe("/");
  });
});
