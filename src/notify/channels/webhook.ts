import type { DeliveryResult } from "./result.js";
import { flatten } from "../summary.js";

// Chat webhooks answer in well under a second; five seconds covers a slow
// network without keeping a finished pane's process around for long.
export const WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * POST a JSON body. ok on any 2xx. Errors name the URL's origin only: webhook
 * paths often carry the secret token (Slack, Discord), and errors are printed
 * and stored.
 */
export async function deliverWebhook(
  url: string,
  body: unknown,
  opts: { timeoutMs?: number } = {},
): Promise<DeliveryResult> {
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  let origin: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http(s)");
    origin = parsed.origin;
  } catch {
    return {
      ok: false,
      error: `not an http(s) URL: ${JSON.stringify(flatten(url, 60))}`,
      permanent: true,
    };
  }
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "agentmux" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read the answer (under the same deadline) so the connection is released.
    const answer = await res.text();
    if (res.ok) return { ok: true };
    const said = flatten(answer, 120);
    const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
    return { ok: false, error: `${status} from ${origin}${said ? `: ${said}` : ""}` };
  } catch (e) {
    if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) {
      return { ok: false, error: `no answer from ${origin} within ${timeoutMs} ms` };
    }
    return { ok: false, error: `could not reach ${origin}: ${networkReason(e)}` };
  }
}

/** Node's fetch throws TypeError("fetch failed") with the real reason in `cause`. */
function networkReason(e: unknown): string {
  const cause =
    e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string") return flatten(cause.message, 120);
  return e instanceof Error ? flatten(e.message, 120) : String(e);
}
