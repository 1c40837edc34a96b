/**
 * Structured events: the JSON lines codex (`exec --json`) and claude
 * (`-p --output-format stream-json`) print. They are the agent's own account of
 * how it ended, so they outrank any text on screen — and text that merely
 * passed through them (a file the agent read) is never looked at.
 *
 * codex: codex-rs/exec/src/exec_events.rs (openai/codex) — `turn.completed`,
 *   `turn.failed {error:{message}}`, top-level `error {message}`; an error
 *   *item* (`item.completed` with item.type "error") is non-fatal by design.
 *   A top-level `error` may be a retry notice that a later `turn.completed`
 *   supersedes (openai/codex#19689, preset-io/agor#2625).
 * claude: `{"type":"result","subtype":"success","is_error":true,
 *   "result":"Invalid API key · Please run /login"}` (claude 2.0.30, captured
 *   live in a public test suite), optional `api_error_status`.
 */

export type StructuredOutcome =
  | { kind: "completed" }
  | {
      kind: "failed";
      message: string;
      status?: number;
      /** claude's own error class on its last assistant event ("authentication_failed", "rate_limit"). */
      errorKind?: string;
      vendor: "codex" | "claude";
    };

/** The JSON object on `line`, if the whole line is one; undefined otherwise. */
export function jsonObjectOf(line: string): Record<string, unknown> | undefined {
  const t = line.trim();
  if (!t.startsWith("{") || !t.endsWith("}")) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return v !== null && typeof v === "object" && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    // Not JSON after all (a line of code, a log line in braces): plain text.
    return undefined;
  }
}

/** The JSON objects among `lines`, in order. */
export function parseEvents(lines: readonly string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const l of lines) {
    const o = jsonObjectOf(l);
    if (o) out.push(o);
  }
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

function messageOf(v: unknown): string | undefined {
  if (typeof v === "string") return str(v);
  if (v !== null && typeof v === "object") return str((v as Record<string, unknown>).message);
  return undefined;
}

/**
 * How the agent says the run ended, from its events; null when the events
 * say nothing about it (no terminal event seen, e.g. the tail cut it off).
 */
export function structuredOutcome(events: readonly unknown[]): StructuredOutcome | null {
  let outcome: StructuredOutcome | null = null;
  let errorKind: string | undefined;
  for (const e of events) {
    if (e === null || typeof e !== "object") continue;
    const ev = e as Record<string, unknown>;
    switch (ev.type) {
      case "assistant":
        // claude 2.1 marks the synthetic message it prints for an API failure:
        // {"type":"assistant","error":"authentication_failed",...} (captured: claude-*.txt).
        errorKind = str(ev.error) ?? errorKind;
        break;
      case "turn.completed":
        outcome = { kind: "completed" };
        break;
      case "turn.failed":
        outcome = {
          kind: "failed",
          message: messageOf(ev.error) ?? "the turn failed",
          vendor: "codex",
        };
        break;
      case "error": {
        // Kept unless a later turn.completed shows codex recovered from it.
        const message = messageOf(ev.message) ?? messageOf(ev.error);
        if (message) outcome = { kind: "failed", message, vendor: "codex" };
        break;
      }
      case "result":
        outcome = claudeResult(ev, errorKind);
        break;
      default:
        break;
    }
  }
  return outcome;
}

function claudeResult(ev: Record<string, unknown>, errorKind?: string): StructuredOutcome {
  const status = typeof ev.api_error_status === "number" ? ev.api_error_status : undefined;
  const subtype = str(ev.subtype) ?? "";
  const errors = Array.isArray(ev.errors) ? ev.errors.filter((x) => typeof x === "string") : [];
  const failed =
    ev.is_error === true || (status !== undefined && status >= 400) || subtype.startsWith("error");
  if (!failed) return { kind: "completed" };
  const message =
    str(ev.result) ??
    (errors.length > 0 ? errors.join("; ") : undefined) ??
    `claude ended with ${subtype || "an error"}`;
  return {
    kind: "failed",
    message,
    vendor: "claude",
    ...(status === undefined ? {} : { status }),
    ...(errorKind === undefined ? {} : { errorKind }),
  };
}

/**
 * The `result` text of a claude result event that did *not* flag an error.
 * claude sometimes reports "Not logged in · Please run /login" with
 * is_error false; the caller checks it against the CLI's own messages.
 */
export function claudeResultText(events: readonly unknown[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const ev = events[i];
    if (
      ev !== null &&
      typeof ev === "object" &&
      (ev as Record<string, unknown>).type === "result"
    ) {
      return str((ev as Record<string, unknown>).result);
    }
  }
  return undefined;
}
