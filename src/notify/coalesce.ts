import type { NotificationRow } from "../store/store.js";
import type { PlannedNotification } from "./plan.js";

/**
 * Notifications under load: a destination gets at most one message
 * per window; whatever ends meanwhile waits and goes out as one combined
 * message listing every summary. OpenClaw wakes the assistant at most once
 * per 30 s and flood-guards after 5 wakes a minute, so 20 sessions ending in
 * the same second must not become 20 wakes. Nothing is dropped: deferred
 * rows stay pending in the outbox until the next delivery (a finisher, the
 * heartbeat, watch) after the window.
 *
 * Pure: rows and the destinations' last send times in, a plan out.
 */

export const DEFAULT_WINDOW_MS = 30_000;

/** Stands for the summary inside a command's argv when comparing destinations. */
const SUMMARY = "\u0000summary\u0000";

type Payload = PlannedNotification["payload"];

function payloadOf(row: Pick<NotificationRow, "payload">): Payload {
  return typeof row.payload === "object" && row.payload !== null ? row.payload : {};
}

/** The text (summary line) a row carries: a command's or desktop's `text`, a webhook body's `text`. */
export function rowText(row: Pick<NotificationRow, "payload">): string | null {
  const p = payloadOf(row);
  if (typeof p.text === "string") return p.text;
  const body = p.body as { text?: unknown } | undefined;
  return typeof body?.text === "string" ? body.text : null;
}

/**
 * Where a row goes. Commands are the same destination when their argv is the
 * same apart from the summary (`openclaw system event --text {summary}`);
 * a template that puts the name elsewhere is a destination per session.
 */
export function destinationKey(
  row: Pick<NotificationRow, "channel" | "target" | "payload">,
): string {
  if (row.channel !== "command") return `${row.channel}\u0000${row.target}`;
  const p = payloadOf(row);
  const text = typeof p.text === "string" && p.text !== "" ? p.text : null;
  const argv = (p.argv ?? []).map((a) => (text === null ? a : a.split(text).join(SUMMARY)));
  return `command\u0000${JSON.stringify(argv)}`;
}

/** The first line of a combined message. */
export function headline(count: number): string {
  return `agentmux: ${count} sessions ended`;
}

function combinedText(rows: readonly NotificationRow[]): string {
  const lines = rows.map((r) => rowText(r) ?? `(notification ${r.id} of run ${r.runId})`);
  return [headline(rows.length), ...lines].join("\n");
}

/** One message for all rows of one destination (rows oldest first). One row is sent as it is. */
export function combine(rows: readonly NotificationRow[]): PlannedNotification {
  const first = rows[0];
  if (first === undefined) throw new RangeError("combine needs at least one row");
  const planned = {
    channel: first.channel,
    target: first.target,
    payload: payloadOf(first),
  } as PlannedNotification;
  if (rows.length === 1) return planned;
  const text = combinedText(rows);
  const p = payloadOf(first);
  switch (first.channel) {
    case "command": {
      const own = typeof p.text === "string" && p.text !== "" ? p.text : null;
      const argv = (p.argv ?? []).map((a) => (own === null ? a : a.split(own).join(text)));
      return { ...planned, payload: { argv, text } };
    }
    case "webhook": {
      // `text` for Slack-compatible hooks; `events` (every run) for programs.
      const events = rows.map((r) => (payloadOf(r).body as { event?: unknown } | undefined)?.event);
      return { ...planned, payload: { body: { text, events, coalesced: rows.length } } };
    }
    case "desktop":
      return {
        ...planned,
        payload: {
          title: headline(rows.length),
          text: rows.map((r) => rowText(r) ?? "").join("\n"),
          ...(rows.every((r) => payloadOf(r).optional === true) ? { optional: true } : {}),
        },
      };
    default:
      return planned;
  }
}

export interface Batch {
  key: string;
  rows: NotificationRow[];
  planned: PlannedNotification;
}

export interface OutboxPlan {
  /** Send now: one message per destination. */
  send: Batch[];
  /** Leave pending until notBefore (ISO), when the destination's window ends. */
  deferred: { key: string; ids: number[]; notBefore: string }[];
}

/**
 * Decide what to send now. `lastSent(key)` is when that destination last got
 * a message (ISO) or null. `only`: consider only destinations that have a row
 * of this run (the finisher's call), but then take every pending row of them.
 */
export function planOutbox(
  rows: readonly NotificationRow[],
  lastSent: (key: string) => string | null,
  now: number,
  opts: { windowMs?: number; runId?: number } = {},
): OutboxPlan {
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const groups = new Map<string, NotificationRow[]>();
  for (const row of rows) {
    const key = destinationKey(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const plan: OutboxPlan = { send: [], deferred: [] };
  for (const [key, group] of groups) {
    if (opts.runId !== undefined && !group.some((r) => r.runId === opts.runId)) continue;
    const sorted = [...group].sort((a, b) => a.id - b.id);
    const last = lastSent(key);
    const opensAt = last === null ? -Infinity : Date.parse(last) + windowMs;
    if (opensAt > now) {
      plan.deferred.push({
        key,
        ids: sorted.map((r) => r.id),
        notBefore: new Date(opensAt).toISOString(),
      });
    } else {
      plan.send.push({ key, rows: sorted, planned: combine(sorted) });
    }
  }
  return plan;
}
