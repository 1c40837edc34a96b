import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

/**
 * The dashboard's request checks, pure so they are tested with tables.
 * The token is a bearer header, never a cookie: cookies on 127.0.0.1 are
 * shared by every port, so any other local page could ride on one.
 */

/** A fresh token for one `agentmux web` process: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function isLoopback(address: string): boolean {
  return address === "localhost" || address === "::1" || /^127\.\d+\.\d+\.\d+$/.test(address);
}

export function isWildcard(address: string): boolean {
  return address === "0.0.0.0" || address === "::";
}

/** How an address is written in a Host header or URL: IPv6 in brackets. */
export function hostPart(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/**
 * The Host headers this server answers to. Anything else is DNS rebinding
 * (a foreign name resolved to our address) and gets 421.
 */
export function allowedHosts(
  bind: string,
  port: number,
  interfaces: readonly string[] = [],
): Set<string> {
  const hosts = new Set([`${hostPart(bind)}:${port}`]);
  // A wildcard bind answers on every address of the machine, by that address.
  if (isWildcard(bind)) for (const a of interfaces) hosts.add(`${hostPart(a)}:${port}`);
  if (isLoopback(bind) || isWildcard(bind)) {
    hosts.add(`127.0.0.1:${port}`);
    hosts.add(`localhost:${port}`);
  }
  return hosts;
}

/**
 * A browser sends Origin on every cross-origin request and on same-origin
 * POSTs; it must be this server's own. No Origin (curl, a same-origin GET) is
 * fine: the bearer token still has to be there.
 */
export function originAllowed(origin: string | undefined, hosts: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  const m = /^http:\/\/([^/]+)$/.exec(origin);
  return m !== null && hosts.has(m[1] ?? "");
}

/** Compares `Authorization: Bearer X` with the token in constant time (hashes first: equal lengths). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header ?? "");
  const given = createHash("sha256")
    .update(m?.[1] ?? "")
    .digest();
  const want = createHash("sha256").update(token).digest();
  return timingSafeEqual(given, want) && m !== null;
}

/** On every response: nothing loads from elsewhere, no framing, no sniffing, no referrer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'self'",
    // xterm.js sizes its rows and colours with a <style> element it writes at run
    // time; scripts stay 'self' only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
};
