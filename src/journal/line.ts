import { exitText, flatten } from "../notify/summary.js";
import type { Diagnosis, RunState, Verdict } from "../sessions/types.js";

/**
 * The journal's one-line entries. A person reads them in their daily notes; an
 * assistant may too. Every entry ends with an HTML comment naming its run, so
 * the line can be found and rewritten wherever the user moved it.
 */

export interface StartEntry {
  runKey: string;
  name: string;
  agent: string;
  cwd: string;
  command: string;
  startedAt: Date;
}

export interface EndEntry {
  state: RunState;
  exitCode: number | null;
  signal: string | null;
  verdict: Verdict | null;
  diagnosis?: Diagnosis;
  endedAt: Date;
  /** Tokens and cost, when reported (usage/format.ts). */
  usage?: string;
}

export const COMMAND_MAX = 120;
const STATUS = {
  running: "🟢",
  ok: "✅",
  warn: "⚠️",
  failed: "❌",
  killed: "🛑",
  lost: "❓",
} as const;
const STATUS_RE = new RegExp(`^(\\s*[-*+] )(?:(?:${Object.values(STATUS).join("|")}) )?`, "u");

export const markerFor = (runKey: string): string => `<!-- agentmux:${runKey} -->`;

const pad = (n: number): string => String(n).padStart(2, "0");
/** Local calendar date, as in the daily note's file name. */
export const localDate = (d: Date): string =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
export const localTime = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** Plain text that cannot start markup, HTML or a comment. */
function escapeText(text: string, max: number): string {
  return flatten(text, max).replace(/[\\*`[\]<>]/g, "\\$&");
}

/**
 * An inline code span that holds any text: the fence is one backtick longer
 * than the longest backtick run inside (CommonMark), padded when the text
 * starts or ends with a backtick.
 */
export function codeSpan(text: string, max = Infinity): string {
  const flat = flatten(text, max) || " ";
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const padding = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${padding}${flat}${padding}${fence}`;
}

export function startLine(e: StartEntry): string {
  return (
    `- ${STATUS.running} **${escapeText(e.name, 80)}** — ${escapeText(e.agent, 40)} in ${codeSpan(e.cwd)}` +
    ` — ${codeSpan(e.command, COMMAND_MAX)} — started ${localTime(e.startedAt)} ${markerFor(e.runKey)}`
  );
}

function statusOf(e: EndEntry): string {
  switch (e.state) {
    case "succeeded":
      return e.verdict === "failed" || e.verdict === "no-changes" || e.verdict === "unverified"
        ? STATUS.warn
        : STATUS.ok;
    case "failed":
      return STATUS.failed;
    case "killed":
      return STATUS.killed;
    case "lost":
      return STATUS.lost;
    default:
      return STATUS.running;
  }
}

// Diagnoses that only restate success add nothing to the line.
const QUIET: ReadonlySet<string> = new Set(["ok", "success", "succeeded"]);

/** `succeeded (exit 0, verified) at 14:47`, plus the diagnosis when there is something to act on. */
export function endText(e: EndEntry, fileDate: string | null): string {
  const details = [exitText(e.exitCode, e.signal), ...(e.verdict ? [e.verdict] : [])].join(", ");
  const day = localDate(e.endedAt);
  const at =
    fileDate !== null && day !== fileDate ? `${day} ${localTime(e.endedAt)}` : localTime(e.endedAt);
  let text = `${e.state} (${details}) at ${at}`;
  if (e.usage) text += ` · ${escapeText(e.usage, 80)}`;
  const d = e.diagnosis;
  const quiet = !d || QUIET.has(d.code) || (e.state === "succeeded" && e.verdict === "verified");
  if (d && !quiet) text += ` — ${escapeText(d.code, 40)}: ${escapeText(d.summary, 160)}`;
  return text;
}

/**
 * Where a started line's own text ends: just after `— started HH:MM`, found
 * outside code spans so a command that contains those words cannot confuse it.
 * Anything after it is a previous end text, replaced on a second end.
 */
function startPartEnd(body: string): number {
  const started = / — started \d{1,2}:\d{2}/y;
  for (let i = 0; i < body.length;) {
    if (body[i] === "\\") {
      i += 2;
      continue;
    }
    if (body[i] === "`") {
      let n = 0;
      while (body[i + n] === "`") n++;
      const fence = "`".repeat(n);
      let close = body.indexOf(fence, i + n);
      while (close >= 0 && (body[close + n] === "`" || body[close - 1] === "`")) {
        close = body.indexOf(fence, close + 1);
      }
      i = close < 0 ? i + n : close + n;
      continue;
    }
    started.lastIndex = i;
    const m = started.exec(body);
    if (m) return i + m[0].length;
    i++;
  }
  return body.length;
}

/** Rewrite a started line (as found in the file, maybe edited) with its end state. */
export function endLine(old: string, runKey: string, e: EndEntry, fileDate: string | null): string {
  const marker = markerFor(runKey);
  const trimmed = old.trimEnd();
  const withoutMarker = trimmed.endsWith(marker)
    ? trimmed.slice(0, -marker.length).trimEnd()
    : trimmed;
  const head = STATUS_RE.exec(withoutMarker);
  const bullet = head?.[1] ?? "- ";
  const body = withoutMarker.slice(head?.[0].length ?? 0);
  const kept = body.slice(0, startPartEnd(body)).trimEnd();
  return `${bullet}${statusOf(e)} ${kept}${kept ? " — " : ""}${endText(e, fileDate)} ${marker}`;
}
