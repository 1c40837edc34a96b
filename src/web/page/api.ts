/**
 * The page's side of the API. The token comes from the URL's fragment (never
 * sent to any server) and is kept in sessionStorage, which is per origin (and
 * so per port) and per tab — never in a cookie, which every port on
 * 127.0.0.1 would share.
 */

const KEY = "agentmux-token";

export function takeToken(): string | null {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m?.[1]) {
    sessionStorage.setItem(KEY, m[1]);
    // Out of the address bar, the history and any screenshot of the page.
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(f: () => void): void {
  onUnauthorized = f;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${sessionStorage.getItem(KEY) ?? ""}`, ...extra };
}

export async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: headers(body === undefined ? {} : { "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    cache: "no-store",
  });
  const json = (await res.json().catch(() => null)) as
    (T & { error?: { message: string; hint?: string } }) | null;
  if (res.status === 401) onUnauthorized();
  if (!res.ok) {
    throw new ApiError(res.status, json?.error?.message ?? `HTTP ${res.status}`, json?.error?.hint);
  }
  return json as T;
}

export interface StreamEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * Server-sent events read with fetch, because EventSource cannot send the
 * Authorization header. Reconnects after a drop, sending the last event id so
 * the server resumes where the stream left off. Returns a stop function.
 */
export function subscribe(
  path: string,
  onEvent: (e: StreamEvent) => void,
  onConnected: (up: boolean) => void = () => undefined,
): () => void {
  const abort = new AbortController();
  let lastId: string | undefined;
  let delay = 250;
  const connect = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch(path, {
          headers: headers(lastId === undefined ? {} : { "last-event-id": lastId }),
          signal: abort.signal,
          cache: "no-store",
        });
        if (res.status === 401) {
          onUnauthorized();
          return;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onConnected(true);
        delay = 250;
        await readEvents(res.body, (e) => {
          if (e.id !== undefined) lastId = e.id;
          onEvent(e);
        });
      } catch {
        // dropped or refused: try again below
      }
      if (abort.signal.aborted) return;
      onConnected(false);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  };
  void connect();
  return () => abort.abort();
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  emit: (e: StreamEvent) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const key = colon === -1 ? line : line.slice(0, colon);
        const val = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (key === "event") event = val;
        else if (key === "data") data.push(val);
        else if (key === "id") id = val;
      }
      if (data.length > 0) emit({ event, data: data.join("\n"), id });
    }
  }
}
