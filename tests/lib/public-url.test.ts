import { describe, expect, it } from "vitest";
import { checkPublicUrl, isPublicUrl, parseIpv4, parseIpv6 } from "../../worker/lib/public-url";

const HOSTILE = [
  // loopback in every spelling
  "http://localhost/",
  "http://LOCALHOST./",
  "http://app.localhost/",
  "http://127.0.0.1/",
  "http://127.0.0.1./",
  "http://2130706433/",
  "http://0177.0.0.1/",
  "http://0x7f.1/",
  "http://0x7f000001/",
  "http://127.1/",
  "http://017700000001/",
  "http://[::1]/",
  "http://[0:0:0:0:0:0:0:1]/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://[::127.0.0.1]/",
  "http://[64:ff9b::127.0.0.1]/",
  // unspecified
  "http://0.0.0.0/",
  "http://0/",
  "http://[::]/",
  // private, CGNAT, link-local, unique-local, multicast, reserved
  "http://10.0.0.1/",
  "http://10.255.255.255/",
  "http://172.16.0.1/",
  "http://172.31.255.255/",
  "http://192.168.1.1/",
  "http://0xc0.0xa8.1.1/",
  "http://100.64.0.1/",
  "http://100.127.255.254/",
  "http://169.254.1.1/",
  "http://224.0.0.1/",
  "http://239.255.255.250/",
  "http://255.255.255.255/",
  "http://240.0.0.1/",
  "http://198.18.0.1/",
  "http://[fd00::1]/",
  "http://[fc00::1]/",
  "http://[fe80::1]/",
  "http://[febf::1]/",
  "http://[ff02::1]/",
  "http://[::ffff:10.0.0.1]/",
  "http://[::ffff:169.254.169.254]/",
  "http://[2001:db8::1]/",
  "http://[2002:7f00:1::]/",
  // cloud metadata
  "http://169.254.169.254/latest/meta-data/",
  "http://2852039166/",
  "http://0xa9fea9fe/",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://METADATA.GOOGLE.INTERNAL./",
  "http://100.100.100.200/latest/meta-data/",
  "http://[fd00:ec2::254]/",
  // internal names
  "http://db.internal/",
  "http://printer.local/",
  "http://intranet/",
  "http://router.home.arpa/",
  // credentials, ports, schemes
  "http://user:pass@example.com/",
  "http://user@example.com/",
  "http://:pass@example.com/",
  "http://example.com:8080/",
  "http://example.com:22/",
  "https://example.com:8443/",
  "ftp://example.com/",
  "file:///etc/passwd",
  "gopher://example.com/",
  "javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  // junk
  "",
  "not a url",
  "http://",
  "http://[::1/",
  "http://[fe80::1%25eth0]/",
  `https://example.com/${"a".repeat(3000)}`,
];

const PUBLIC = [
  "https://example.com/",
  "http://example.com/page?x=1#frag",
  "https://www.milonga.com.ar:443/evento",
  "http://tango.example.org:80/",
  "https://93.184.216.34/",
  "https://8.8.8.8/",
  "https://[2606:4700:4700::1111]/",
  "https://[::ffff:8.8.8.8]/",
  "https://xn--caf-dma.example/",
  "https://172.32.0.1/",
  "https://100.128.0.1/",
];

describe("checkPublicUrl", () => {
  it.each(HOSTILE)("refuses %s", (url) => {
    const check = checkPublicUrl(url);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toBeTruthy();
  });

  it.each(PUBLIC)("allows %s", (url) => {
    expect(isPublicUrl(url)).toBe(true);
  });
});

describe("address parsing", () => {
  it("reads IPv4 in every spelling the URL standard allows", () => {
    for (const spelling of ["127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "127.1", "0x7f.0.0.1", "017700000001"]) {
      expect(parseIpv4(spelling), spelling).toBe(0x7f000001);
    }
    expect(parseIpv4("256.0.0.1")).toBeUndefined();
    expect(parseIpv4("1.2.3.4.5")).toBeUndefined();
    expect(parseIpv4("example.com")).toBeUndefined();
  });

  it("expands IPv6, with and without an embedded IPv4", () => {
    expect(parseIpv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6("::ffff:127.0.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIpv6("fd00:ec2::254")).toEqual([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]);
    expect(parseIpv6("1:2:3:4:5:6:7:8:9")).toBeUndefined();
    expect(parseIpv6("1::2::3")).toBeUndefined();
  });
});
