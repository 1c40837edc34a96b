import type { Session } from "./types.js";

/** Pure helpers for the page: words, ages, order. No DOM here (unit-tested under node). */

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

/** "3m ago" from an ISO time. */
export function age(iso: string | null | undefined, now: number): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "-";
  return `${duration(Math.max(0, now - t))} ago`;
}

/** A running session's duration grows while the page is open; a finished one is fixed. */
export function liveDuration(s: Session, now: number, loadedAt: number): number | null {
  if (s.durationMs === null) return null;
  return s.endedAt === null && isLive(s.state) ? s.durationMs + (now - loadedAt) : s.durationMs;
}

const LIVE = new Set(["starting", "running", "stalled", "queued", "paused"]);
export function isLive(state: string): boolean {
  return LIVE.has(state);
}

const ATTENTION_STATES = new Set(["failed", "lost", "stalled", "errored"]);
const ATTENTION_VERDICTS = new Set(["unverified", "failed"]);

/** Needs a person: it failed, was lost, stalled, gave up restarting, or claims work git cannot find. */
export function needsAttention(s: Session): boolean {
  if (s.attention !== undefined) return s.attention;
  return ATTENTION_STATES.has(s.state) || ATTENTION_VERDICTS.has(s.verdict ?? "");
}

function rank(s: Session): number {
  if (needsAttention(s)) return 0;
  if (isLive(s.state)) return 1;
  if (s.foreign) return 3;
  return 2;
}

/** Attention first, then live ones, then finished, then foreign; newest first within each. */
export function ordered(list: readonly Session[]): Session[] {
  return [...list].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (b.startedAt ?? "").localeCompare(a.startedAt ?? "") ||
      a.name.localeCompare(b.name),
  );
}

/** The state shown: a successful exit says "done"; a stalled or errored mark wins over "running". */
export function stateWord(s: Session): string {
  if (s.state === "failed" && s.exitCode !== null) return `failed (${s.exitCode})`;
  if (s.state === "failed" && s.signal) return `failed (${s.signal})`;
  return s.state;
}

/** Diagnoses that are not problems: a clean exit, a loop that finished its list. */
export function isProblem(d: Session["diagnosis"]): boolean {
  return d !== null && d.code !== "success" && d.code !== "loop-done";
}

export function fixOf(s: Session): string | null {
  if (s.fix) return s.fix;
  if (s.diagnosis?.fix) return s.diagnosis.fix;
  if (s.state === "lost" || s.state === "failed") return `agentmux restart ${s.name}`;
  return null;
}

/** Tokens and cost in a few characters: "12.3k tok · $0.41" ("~$" when estimated from prices). */
export function usageText(u: Record<string, unknown> | null | undefined): string | null {
  if (!u) return null;
  const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
  const input = num(u.input) ?? num(u.inputTokens);
  const output = num(u.output) ?? num(u.outputTokens);
  const total =
    num(u.totalTokens) ?? (input !== null || output !== null ? (input ?? 0) + (output ?? 0) : null);
  const cost = u.cost as { usd?: unknown; basis?: unknown } | null | undefined;
  const usd = num(cost?.usd) ?? num(u.costUsd);
  const parts: string[] = [];
  if (total !== null) parts.push(`${total >= 1000 ? `${(total / 1000).toFixed(1)}k` : total} tok`);
  if (usd !== null) parts.push(`${cost?.basis === "estimated" ? "~" : ""}$${usd.toFixed(2)}`);
  return parts.length > 0 ? parts.join(" · ") : null;
}

/** A time, short: "16:31:04" today, "Dec 6 16:31" on another day. */
export function when(iso: string | null | undefined, now: number): string {
  if (!iso) return "-";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "-";
  const time = d.toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  });
  if (d.toDateString() === new Date(now).toDateString()) return time;
  return `${d.toLocaleDateString([], { month: "short", day: "numeric" })} ${time.slice(0, 5)}`;
}
