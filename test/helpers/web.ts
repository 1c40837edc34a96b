import { existsSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { Context } from "../../src/sessions/context.js";
import { packageRoot } from "../../src/util/paths.js";
import { newToken } from "../../src/web/security.js";
import { startServer, type WebServer } from "../../src/web/server.js";
import type { World } from "./cli.js";

export const PUBLIC_DIR = join(packageRoot, "dist", "web", "public");

export interface TestServer extends WebServer {
  token: string;
  origin: string;
  /** fetch against the server with the token (unless headers say otherwise). */
  api(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  json<T>(path: string, body?: unknown): Promise<T>;
}

/** `agentmux web`'s server for one World, on a free loopback port, closed when the test ends. */
export async function webServer(w: World): Promise<TestServer> {
  const ctx = new Context({ env: w.env });
  const token = newToken();
  const server = await startServer({
    ctx,
    bind: "127.0.0.1",
    port: 0,
    token,
    publicDir: PUBLIC_DIR,
  });
  onTestFinished(async () => {
    await server.close();
    ctx.close();
  });
  const origin = `http://127.0.0.1:${server.port}`;
  const api: TestServer["api"] = (path, init = {}) =>
    fetch(origin + path, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  return {
    ...server,
    token,
    origin,
    api,
    async json<T>(path: string, body?: unknown): Promise<T> {
      const res = await api(path, body === undefined ? {} : { body });
      const text = await res.text();
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text}`);
      return JSON.parse(text) as T;
    },
  };
}

/** A raw request with any Host header (fetch will not send a foreign one). */
export function rawGet(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/** Reads server-sent events until `until` says stop (or the deadline passes); then disconnects. */
export async function readEvents(
  res: Response,
  until: (events: SseEvent[]) => boolean,
  timeoutMs = 20_000,
): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done)
        throw new Error(
          `the stream ended (or ${timeoutMs} ms passed) after ${events.length} events: ${JSON.stringify(events.map((e) => e.event))}`,
        );
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const e: SseEvent = { event: "message", data: "", id: undefined };
        let hasData = false;
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) e.event = line.slice(7);
          else if (line.startsWith("data: ")) {
            e.data = line.slice(6);
            hasData = true;
          } else if (line.startsWith("id: ")) e.id = line.slice(4);
        }
        if (hasData) events.push(e);
      }
    }
    return events;
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
}

/** Chromium from Debian's package (CI installs it); null when this machine has none. */
export const CHROMIUM: string | null =
  [process.env.AGENTMUX_CHROMIUM, "/usr/lib/chromium/chromium", "/usr/bin/chromium"].find(
    (p): p is string => p !== undefined && p !== "" && existsSync(p),
  ) ?? null;

/**
 * Browser tests run when a browser is here, and always in CI: there a
 * missing browser must fail the run, not skip it quietly.
 */
export const browserAvailable = CHROMIUM !== null || process.env.CI !== undefined;
