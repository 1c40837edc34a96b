import { describe, expect, it } from "vitest";
import { allowedHosts, bearerMatches, isLoopback, newToken, originAllowed } from "./security.js";

describe("the dashboard's request checks", () => {
  const hosts = allowedHosts("127.0.0.1", 7787);

  it.each([
    ["127.0.0.1:7787", true],
    ["localhost:7787", true],
    ["127.0.0.1:7788", false],
    ["127.0.0.1", false],
    ["evil.example:7787", false],
    ["LOCALHOST:7787", false],
  ])("Host %j allowed: %s", (host, ok) => {
    expect(hosts.has(host)).toBe(ok);
  });

  it("allows exactly the bound address of a non-loopback bind", () => {
    expect([...allowedHosts("192.168.1.5", 80)]).toEqual(["192.168.1.5:80"]);
    expect([...allowedHosts("::1", 80)]).toContain("[::1]:80");
    const any = allowedHosts("0.0.0.0", 80, ["127.0.0.1", "10.0.0.7", "fe80::1"]);
    expect([...any].sort()).toEqual(
      ["0.0.0.0:80", "10.0.0.7:80", "127.0.0.1:80", "[fe80::1]:80", "localhost:80"].sort(),
    );
  });

  it.each([
    [undefined, true],
    ["http://127.0.0.1:7787", true],
    ["http://localhost:7787", true],
    ["http://127.0.0.1:7788", false],
    ["https://127.0.0.1:7787", false],
    ["http://evil.example", false],
    ["null", false],
    ["http://127.0.0.1:7787/", false],
  ])("Origin %j allowed: %s", (origin, ok) => {
    expect(originAllowed(origin, hosts)).toBe(ok);
  });

  it.each([
    ["Bearer abc_DEF-123", true],
    ["bearer abc_DEF-123", false],
    ["Bearer abc_DEF-12", false],
    ["Bearer abc_DEF-1234", false],
    ["Bearer  abc_DEF-123", false],
    ["abc_DEF-123", false],
    ["Bearer ", false],
    [undefined, false],
  ])("Authorization %j matches: %s", (header, ok) => {
    expect(bearerMatches(header, "abc_DEF-123")).toBe(ok);
  });

  it("an empty token never matches an empty header", () => {
    expect(bearerMatches("Bearer ", "")).toBe(false);
    expect(bearerMatches(undefined, "")).toBe(false);
  });

  it("makes a fresh URL-safe token each time", () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(a);
  });

  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["localhost", true],
    ["0.0.0.0", false],
    ["::", false],
    ["192.168.1.5", false],
  ])("%s is loopback: %s", (addr, ok) => {
    expect(isLoopback(addr)).toBe(ok);
  });
});
