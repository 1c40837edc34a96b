import type { NotificationRow } from "../store/store.js";

/**
 * How a notification is shown in `status`, `ls` and `heartbeat`: where it
 * went, whether it arrived, and when it is tried next. A claim in flight
 * (`sending`) is still pending to the reader.
 */
export interface NotificationView {
  channel: string;
  /** A command's program, or a webhook's origin (its path often holds a secret token). */
  target: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

/** A webhook URL without its path and query, which often carry the secret. */
export function shownTarget(channel: string, target: string): string {
  if (channel !== "webhook") return target;
  try {
    const u = new URL(target);
    return u.pathname === "/" && u.search === "" ? u.origin : `${u.origin}/…`;
  } catch {
    return "(not a URL)";
  }
}

export function notificationView(row: NotificationRow): NotificationView {
  return {
    channel: row.channel,
    target: shownTarget(row.channel, row.target),
    state: row.state === "sending" ? "pending" : row.state,
    attempts: row.attempts,
    lastError: row.lastError,
    nextAttemptAt: row.state === "pending" ? row.nextAttemptAt : null,
  };
}

/** One line for a notification that did not (yet) arrive; null for a delivered one. */
export function notificationLine(v: NotificationView, session: string): string | null {
  const where = `${v.channel} ${v.target}`;
  if (v.state === "delivered") return null;
  if (v.state === "failed") {
    return `${where} failed after ${v.attempts} attempt(s): ${v.lastError ?? "unknown error"} · agentmux notify retry ${session}`;
  }
  if (v.attempts === 0 || v.lastError === null) return `${where} pending`;
  return `${where} pending, attempt ${v.attempts} failed: ${v.lastError}${v.nextAttemptAt ? ` · next ${v.nextAttemptAt}` : ""}`;
}
