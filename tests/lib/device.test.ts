import { describe, expect, it } from "vitest";
import { describeDevice } from "../../worker/lib/device";

describe("describeDevice", () => {
  it.each([
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 CriOS/126.0 Mobile/15E148 Safari/604.1", "Chrome on iOS"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0", "Edge on Windows"],
    ["Mozilla/5.0 (Android 14; Mobile; rv:130.0) Gecko/130.0 Firefox/130.0", "Firefox on Android"],
    ["MundoTangoApp/1.2 (iOS)", "MundoTangoApp/1.2"],
  ])("names %s", (userAgent, expected) => {
    expect(describeDevice(userAgent)).toBe(expected);
  });

  it("never echoes a long or hostile user agent", () => {
    expect(describeDevice("<script>alert(1)</script>")).toBe("Unknown device");
    expect(describeDevice("x".repeat(5000)).length).toBeLessThanOrEqual(40);
    expect(describeDevice(null)).toBe("Unknown device");
  });
});
