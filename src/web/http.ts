import type { IncomingMessage, ServerResponse } from "node:http";
import { AgentmuxError, isAgentmuxError, type ErrorCode } from "../util/errors.js";
import { SECURITY_HEADERS } from "./security.js";

/** A small router: method + path pattern -> handler; the named groups are the params. */
export type Handler = (req: IncomingMessage, res: ServerResponse, params: Params) => Promise<void>;
export type Params = Record<string, string>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    // "/api/sessions/:name/kill" -> ^/api/sessions/(?<name>[^/]+)/kill$
    const source = path.replace(/:([a-z]+)/g, "(?<$1>[^/]+)");
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), handler });
    return this;
  }

  /** The handler for a request, or why there is none (404, or 405 when only the method differs). */
  match(
    method: string,
    path: string,
  ): { handler: Handler; params: Params } | { status: 404 | 405; allow?: string } {
    const allowed: string[] = [];
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      if (r.method !== method) {
        allowed.push(r.method);
        continue;
      }
      const params: Params = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
      return { handler: r.handler, params };
    }
    return allowed.length > 0 ? { status: 405, allow: allowed.join(", ") } : { status: 404 };
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode | "unauthorized" | "forbidden" | "misdirected" | "method",
  message: string,
  hint?: string,
): void {
  sendJson(res, status, { error: hint ? { code, message, hint } : { code, message } });
}

/** The HTTP status of an agentmux error: bad input is the caller's (400), the rest ours. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  usage: 400,
  "bad-name": 400,
  "bad-value": 400,
  config: 400,
  prd: 400,
  agent: 400,
  "not-found": 404,
  exists: 409,
  state: 409,
  // A host that could not be reached (remote sessions): the gateway's failure, not ours.
  remote: 502,
};

export function sendFailure(res: ServerResponse, e: unknown): void {
  if (isAgentmuxError(e)) {
    sendJson(res, STATUS[e.code] ?? 500, { error: e.toJSON() });
    return;
  }
  sendError(res, 500, "internal", e instanceof Error ? e.message : String(e));
}

const MAX_BODY = 1024 * 1024;

/** The request's JSON object body (at most 1 MiB), or a 400-worthy error naming what is wrong. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AgentmuxError(
      "usage",
      `Expected content-type application/json, got ${JSON.stringify(type)}`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new AgentmuxError("bad-value", "the request body is over 1 MiB");
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch {
    throw new AgentmuxError("bad-value", "the request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AgentmuxError("bad-value", "Expected a JSON object as the request body");
  }
  return body as Record<string, unknown>;
}

/** A string field of a body: `required` ones must be present and non-empty. */
export function field(body: Record<string, unknown>, key: string, required: true): string;
export function field(body: Record<string, unknown>, key: string): string | undefined;
export function field(
  body: Record<string, unknown>,
  key: string,
  required = false,
): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === "") {
    if (required) throw new AgentmuxError("usage", `missing ${key}`);
    return undefined;
  }
  if (typeof v !== "string")
    throw new AgentmuxError("bad-value", `${key}: expected text, got ${JSON.stringify(v)}`);
  return v;
}

/** A list-of-strings field (argv elements, one each): absent is an empty list. */
export function argvField(body: Record<string, unknown>, key: string): string[] {
  const v = body[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw new AgentmuxError(
      "bad-value",
      `${key}: expected a list of argv elements, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/** Starts a server-sent event stream; comments every 20 s keep proxies and sockets from idling out. */
export function startEvents(res: ServerResponse): {
  send(event: string, data: string, id?: string): void;
  close(): void;
} {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "content-type": "text/event-stream; charset=utf-8",
    connection: "keep-alive",
  });
  res.write(": agentmux\n\n");
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), 20_000);
  keepAlive.unref();
  return {
    send(event, data, id) {
      res.write(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`);
    },
    close() {
      clearInterval(keepAlive);
    },
  };
}
