import type { TemplateVar } from "./template.js";

/** What a notification is about: one run that ended. */
export type NotifyState = "succeeded" | "failed" | "killed" | "lost";
export type NotifyVerdict = "verified" | "no-changes" | "failed" | "unverifiable" | "unverified";

export interface NotifyEvent {
  name: string;
  agent: string;
  state: NotifyState;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  cwd: string;
  runId: number;
  logPath: string;
  verdict: NotifyVerdict | null;
  commits: number;
  uncommitted: number;
  /** PRD items the run ticked with no commit behind them (ralphy's habit). */
  unbackedTicks?: string[];
  diagnosis?: { code: string; summary: string; fix?: string };
  /** Loops: `3/4 items done`. */
  loop?: string;
  /** Tokens and cost, when the agent reported them: `12.3k in / 456 out tokens · $0.042`. */
  usage?: string;
}

// ANSI escape sequences (CSI and OSC), then any other control character,
// including Unicode line/paragraph separators that chat apps render as breaks.
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line of plain text: escapes removed, control characters and newlines become one space. */
export function flatten(text: string, max = Infinity): string {
  const flat = text.replace(ANSI, "").replace(CONTROL, " ").replace(/ {2,}/g, " ").trim();
  if (flat.length <= max) return flat;
  return `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** `850ms`, `12s`, `4m12s`, `1h03m`, `2d05h`: short, and precise where it matters. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "0s";
  if (ms < 1000) return `${Math.floor(ms)}ms`;
  const s = Math.floor(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d${pad(h % 24)}h`;
}

/** `exit 0`, `signal SIGTERM`, or `no exit code` (a lost run). */
export function exitText(exitCode: number | null, signal: string | null): string {
  if (exitCode !== null) return `exit ${exitCode}`;
  if (signal !== null) return `signal ${flatten(signal, 20)}`;
  return "no exit code";
}

// Diagnoses that only restate success add nothing a person can act on.
const QUIET_DIAGNOSES: ReadonlySet<string> = new Set(["ok", "success", "succeeded"]);

function diagnosisText(e: NotifyEvent): string | null {
  const d = e.diagnosis;
  if (!d || QUIET_DIAGNOSES.has(d.code)) return null;
  if (e.state === "succeeded" && e.verdict === "verified") return null;
  const main = `${flatten(d.code, 40)}: ${flatten(d.summary, 160)}`;
  return d.fix ? `${main} · fix: ${flatten(d.fix, 120)}` : main;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * One line a person (or an assistant's heartbeat) can act on:
 * `agentmux: login succeeded (exit 0) after 4m12s · 3 commits · 0 uncommitted · verified`.
 */
export function summaryLine(e: NotifyEvent): string {
  const parts = [
    `agentmux: ${flatten(e.name, 80)} ${e.state} (${exitText(e.exitCode, e.signal)}) after ${formatDuration(e.durationMs)}`,
    ...(e.loop ? [flatten(e.loop, 40)] : []),
    plural(e.commits, "commit"),
    `${e.uncommitted} uncommitted`,
  ];
  if (e.verdict !== null) parts.push(e.verdict);
  if (e.usage) parts.push(flatten(e.usage, 80));
  const unbacked = e.unbackedTicks ?? [];
  if (unbacked.length > 0) {
    const list = unbacked.slice(0, 3).map((t) => `"${flatten(t, 60)}"`);
    if (unbacked.length > 3) list.push(`${unbacked.length - 3} more`);
    parts.push(
      `${unbacked.length} ${unbacked.length === 1 ? "box" : "boxes"} ticked without a commit: ${list.join(", ")}`,
    );
  }
  const diagnosis = diagnosisText(e);
  if (diagnosis !== null) parts.push(diagnosis);
  return parts.join(" · ");
}

/**
 * Values for command templates. Paths and names are passed byte-exact (they
 * are argv elements, never parsed); free text is flattened to one line.
 */
export function templateVars(e: NotifyEvent): Record<TemplateVar, string> {
  return {
    name: e.name,
    state: e.state,
    exitCode: e.exitCode === null ? "" : String(e.exitCode),
    signal: e.signal ?? "",
    summary: summaryLine(e),
    cwd: e.cwd,
    agent: e.agent,
    verdict: e.verdict ?? "",
    duration: formatDuration(e.durationMs),
    commits: String(e.commits),
    uncommitted: String(e.uncommitted),
    runId: String(e.runId),
    logPath: e.logPath,
    diagnosis: e.diagnosis ? `${flatten(e.diagnosis.code)}: ${flatten(e.diagnosis.summary)}` : "",
  };
}
