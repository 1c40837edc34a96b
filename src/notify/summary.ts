import { ENV_VARS, type TemplateVar } from "./template.js";
import { removeEscapes } from "../util/ansi.js";
import { formatDuration } from "../util/format-duration.js";

/**
 * What a notification is about: how one run ended, or what the monitor
 * found about one still running (stalled) or given up on (errored).
 */
export type NotifyState = "succeeded" | "failed" | "killed" | "lost" | "stalled" | "errored";
export type NotifyVerdict =
  "verified" | "no-changes" | "failed" | "unverifiable" | "unverified" | "history-rewritten";

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

// Any control character left once escape sequences are gone, including the
// Unicode line/paragraph separators that chat apps render as breaks.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line of plain text: escapes removed, control characters and newlines become one space. */
export function flatten(text: string, max = Infinity): string {
  const flat = removeEscapes(text).replace(CONTROL, " ").replace(/ {2,}/g, " ").trim();
  if (flat.length <= max) return flat;
  // Never cut between the two halves of a surrogate pair: a lone half is not
  // valid UTF-16, and becomes U+FFFD when the text crosses into another
  // process (an environment variable, argv), so bytes would change.
  const cut = flat.slice(0, Math.max(0, max - 1)).replace(/[\ud800-\udbff]$/, "");
  return `${cut.trimEnd()}…`;
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

/**
 * The environment a notification command gets on top of the run's own:
 * every template value as AGENTMUX_<NAME>, including the agent-controlled
 * ones that are never put in argv (AGENTMUX_SUMMARY, AGENTMUX_DIAGNOSIS,
 * AGENTMUX_CWD, AGENTMUX_LOG_PATH). `sh -c '... "$AGENTMUX_SUMMARY"'` reads
 * one as a single word: a shell never parses a variable's value as code.
 */
export function notifyEnv(e: NotifyEvent): Record<string, string> {
  const vars = templateVars(e);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(vars)) {
    const name = Object.hasOwn(ENV_VARS, key)
      ? ENV_VARS[key as keyof typeof ENV_VARS]
      : `AGENTMUX_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    // Environment values cannot hold NUL; nothing agentmux builds has one, but paths could.
    env[name] = value.replace(/\0/g, "");
  }
  return env;
}
