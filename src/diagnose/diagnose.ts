import type { Diagnosis } from "./types.js";
import { formatDuration } from "../util/format-duration.js";
import { excerpt } from "./advice.js";
import { claudeResultText, jsonObjectOf, parseEvents, structuredOutcome } from "./events.js";
import type { StructuredOutcome } from "./events.js";
import { fromText } from "./from-text.js";
import { notFound } from "./not-found.js";
import { lastMatch, matchMessage, type TextCode } from "./signatures.js";
import type { DiagnoseFacts } from "./types.js";

/** At exit 0 a banner that explains the exit is among the last lines the agent printed. */
const EXIT0_WINDOW = 8;
/** A run shorter than this that exits 0 having changed nothing "read files and exited". */
const NO_OP_MS = 2 * 60_000;

const CRASH_SIGNALS = new Set([
  "SIGSEGV",
  "SIGABRT",
  "SIGBUS",
  "SIGILL",
  "SIGFPE",
  "SIGSYS",
  "SIGTRAP",
]);
const INTERRUPT_SIGNALS = new Set(["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGPIPE"]);
// Shells report a child killed by signal N as exit 128+N.
const EXIT_SIGNALS: Record<number, string> = {
  129: "SIGHUP",
  130: "SIGINT",
  131: "SIGQUIT",
  132: "SIGILL",
  134: "SIGABRT",
  135: "SIGBUS",
  136: "SIGFPE",
  137: "SIGKILL",
  139: "SIGSEGV",
  143: "SIGTERM",
};

interface Ctx {
  facts: DiagnoseFacts;
  agent: string;
  now: Date;
  lines: readonly string[];
  outcome: StructuredOutcome | null;
  binary: string;
  took: string;
}

/**
 * Classify how an agent run ended. Order of trust: what agentmux itself did
 * (kill, timeout, stall, hangup), then what the OS says (signal, exit 127),
 * then the agent's structured events, then the text of its last lines — and
 * text only when the run failed or left no evidence of work, so an agent that
 * `cat`s a README full of "Rate limit reached" and commits is a success.
 */
export function diagnose(facts: DiagnoseFacts): Diagnosis {
  const events = facts.events ?? parseEvents(facts.outputTail);
  const ctx: Ctx = {
    facts,
    agent: facts.agent,
    now: facts.now ?? new Date(),
    lines: facts.outputTail,
    outcome: structuredOutcome(events),
    binary: facts.binary ?? facts.agent,
    took: formatDuration(facts.durationMs),
  };
  return (
    byAgentmux(ctx) ??
    bySignal(ctx, normalizeSignal(facts.signal)) ??
    notFound(ctx) ??
    byEvents(ctx, events) ??
    byExit(ctx)
  );
}

function normalizeSignal(signal: string | null): string | null {
  if (!signal) return null;
  const s = signal.toUpperCase();
  return s.startsWith("SIG") ? s : `SIG${s}`;
}

function byAgentmux(ctx: Ctx): Diagnosis | null {
  const { facts, took } = ctx;
  if (facts.killRequested) {
    return { code: "killed", summary: `Stopped on request after ${took}.` };
  }
  // Stopped by us, but a prompt or a limit on screen is the reason it stopped making progress.
  if (facts.timedOut) {
    return (
      blockingCause(ctx, ` It was stopped after timing out (${took}).`) ?? {
        code: "timeout",
        summary: `Timed out after ${took} and was stopped.`,
        fix: "Raise the time limit or split the task into smaller pieces, then restart.",
      }
    );
  }
  if (facts.stalled) {
    return (
      blockingCause(ctx, " It was stopped as stalled.") ?? {
        code: "stall",
        summary: `Printed nothing for too long and was stopped as stalled after ${took}.`,
        fix: "Attach and look at the pane (`agentmux attach`), then restart the session.",
      }
    );
  }
  if (facts.hangup) {
    return {
      code: "interrupted",
      summary: "Its tmux pane or server went away, so the runner stopped the agent.",
      fix: "Restart the session (`agentmux restart`).",
    };
  }
  return null;
}

function blockingCause(ctx: Ctx, note: string): Diagnosis | null {
  const m = lastMatch(ctx.lines, ctx.agent);
  if (!m || m.code === "cli-usage") return null;
  return fromText(ctx, m.code, m.vendor, m.line, m.context, note);
}

function bySignal(ctx: Ctx, signal: string | null): Diagnosis | null {
  if (!signal) return null;
  return signalDiagnosis(ctx, signal, `by ${signal}`);
}

function signalDiagnosis(ctx: Ctx, signal: string, how: string): Diagnosis {
  const { took } = ctx;
  if (signal === "SIGKILL") {
    return {
      code: "oom",
      summary: `Killed ${how} after ${took}, not by agentmux: most likely the kernel's OOM killer.`,
      fix: 'Check `dmesg` or `journalctl -k` for "Out of memory", free memory or run fewer agents, then restart.',
    };
  }
  if (INTERRUPT_SIGNALS.has(signal)) {
    return {
      code: "interrupted",
      summary: `Interrupted ${how} after ${took} (not through agentmux).`,
      fix: "Restart the session (`agentmux restart`).",
    };
  }
  const crashed = CRASH_SIGNALS.has(signal) ? "Crashed" : "Ended";
  return {
    code: "crash",
    summary: `${crashed} ${how} after ${took}.`,
    fix: `Restart the session; if it happens again, update ${ctx.agent} or report the crash with the log.`,
  };
}

function byEvents(ctx: Ctx, events: readonly unknown[]): Diagnosis | null {
  const o = ctx.outcome;
  if (o?.kind === "failed") {
    const m = matchMessage(o.message, ctx.agent);
    const code: TextCode | null = m?.code ?? codeOfStatus(o.status) ?? codeOfErrorKind(o.errorKind);
    if (code) return fromText(ctx, code, m?.vendor ?? o.vendor, o.message, o.message, "");
    return {
      code: "crash",
      summary: `${ctx.agent} reported an error after ${ctx.took}: ${excerpt(o.message)}`,
      fix: "Read the log (`agentmux tail`), fix the cause, then restart the session.",
    };
  }
  // claude may report "Not logged in · Please run /login" without flagging an error.
  const text = o?.kind === "completed" ? claudeResultText(events) : undefined;
  const m = text === undefined ? null : lastMatch([text], ctx.agent, { strongOnly: true });
  if (m && m.code !== "waiting-input" && m.code !== "cli-usage") {
    return fromText(ctx, m.code, m.vendor, m.line, m.context, "");
  }
  return null;
}

function codeOfStatus(status: number | undefined): TextCode | null {
  if (status === 401 || status === 403) return "auth";
  return status === 429 ? "rate-limit" : null;
}

/** claude's error classes (its SDKAssistantMessageError); unknown ones are left to the text. */
function codeOfErrorKind(kind: string | undefined): TextCode | null {
  if (kind === "authentication_failed") return "auth";
  if (kind === "rate_limit") return "rate-limit";
  if (kind === "billing_error") return "usage-limit";
  return null;
}

function byExit(ctx: Ctx): Diagnosis {
  const { facts, took } = ctx;
  const ev = facts.evidence;
  if (facts.exitCode === 0) {
    const worked = ev !== undefined && (ev.commits > 0 || ev.filesChanged > 0);
    if (worked) return success(ctx);
    // No evidence of work: a clear error message on screen explains the exit
    // (claude in a pane exits 0 after a usage-limit banner). Not for a plain
    // command: its exit 0 is its own word, and what it printed may be a file
    // it read (`cat NOTES.md`); nor when the agent's events say it completed.
    const m =
      ctx.outcome?.kind === "completed" || ctx.agent === "cmd"
        ? null
        : lastMatch(ctx.lines.slice(-EXIT0_WINDOW), ctx.agent, { strongOnly: true });
    if (m && m.code !== "cli-usage") return fromText(ctx, m.code, m.vendor, m.line, m.context, "");
    if (ev?.isRepo && facts.durationMs < NO_OP_MS) {
      return {
        code: "no-op",
        summary: `Exited 0 after ${took} without changing anything: it probably read files and stopped.`,
        fix: "Give it a concrete task and retry, or run it as a loop (`agentmux loop --prd PRD.md`) so it keeps going until the checklist is done.",
      };
    }
    return success(ctx);
  }
  const m = lastMatch(ctx.lines, ctx.agent);
  if (m) return fromText(ctx, m.code, m.vendor, m.line, m.context, "");
  const viaExit = facts.exitCode === null ? undefined : EXIT_SIGNALS[facts.exitCode];
  if (viaExit && facts.exitCode !== null) {
    return signalDiagnosis(ctx, viaExit, `(exit ${facts.exitCode}, ${viaExit})`);
  }
  const last = lastLine(ctx.lines);
  const detail = last ? `: ${excerpt(last)}` : ".";
  return {
    code: "crash",
    summary:
      facts.exitCode === null
        ? `Ended after ${took} with no recorded exit status${detail}`
        : `Exited with code ${facts.exitCode} after ${took}${detail}`,
    fix: "Read the log (`agentmux tail`), fix the cause, then restart the session.",
  };
}

function success(ctx: Ctx): Diagnosis {
  const ev = ctx.facts.evidence;
  const base = `Exited 0 after ${ctx.took}`;
  if (!ev) return { code: "success", summary: `${base}.` };
  if (!ev.isRepo) {
    return {
      code: "success",
      summary: `${base} (not a git repository, so the work was not checked).`,
    };
  }
  if (ev.commits === 0 && ev.filesChanged === 0) {
    return { code: "success", summary: `${base} without changing any files.` };
  }
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;
  return {
    code: "success",
    summary: `${base}: ${plural(ev.commits, "commit")}, ${plural(ev.filesChanged, "file")} changed.`,
  };
}

function lastLine(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] ?? "";
    if (l.trim() !== "" && !jsonObjectOf(l)) return l;
  }
  return undefined;
}
