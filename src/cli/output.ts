import type { StatusJson } from "../sessions/view.js";
import { isAgentmuxError } from "../util/errors.js";
import { formatDuration } from "../util/format-duration.js";

/** Writes that never throw when the reader went away (a closed pipe, a dead pane). */
export function out(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}

/**
 * An error in the user's words: `{"error": ...}` on stdout with --json, one
 * line and its hint on stderr. Returns the exit code: 2 for a usage error,
 * 1 for any other of ours, 70 for a bug (with its stack).
 */
export function reportError(e: unknown, json: boolean): number {
  if (isAgentmuxError(e)) {
    if (json) out(JSON.stringify({ error: e.toJSON() }));
    err(`agentmux: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ""}`);
    return e.code === "usage" ? 2 : 1;
  }
  if (json) out(JSON.stringify({ error: { code: "internal", message: String(e) } }));
  err(`agentmux: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return 70;
}

/**
 * Resolves once everything written so far to stdout and stderr has been
 * handed to the OS (a write's callback runs after the writes queued before
 * it), so a command may exit at once without losing output to a slow pipe.
 */
export function flushed(): Promise<void> {
  const drained = (s: NodeJS.WriteStream): Promise<void> =>
    new Promise((resolve) => {
      // A reader that went away (EPIPE) also ends the wait.
      if (s.destroyed || !s.writable) resolve();
      else s.write("", () => resolve());
    });
  return Promise.all([drained(process.stdout), drained(process.stderr)]).then(() => undefined);
}

/**
 * `--json` output: indented for a person at a terminal, one line for a
 * program reading a pipe or a file (a fifth fewer bytes to read and parse,
 * and fewer tokens for an assistant: `ls --json` over 1,000 sessions is
 * 1.34 MB indented, 1.05 MB on one line). `| jq .` indents it again.
 */
export function printJson(value: unknown): void {
  out(process.stdout.isTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value));
}

/** Another process's `--json` output, printed as printJson would; as it came when it is not one JSON value. */
export function printJsonText(text: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    process.stdout.write(text);
    return;
  }
  printJson(value);
}

/** A duration for a table cell: `-` when there is none. */
export function durationCell(ms: number | null): string {
  return ms === null ? "-" : formatDuration(ms);
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** One-line outcome for humans: "succeeded (exit 0)", "failed (SIGKILL)", "running". */
export function outcome(
  s: Pick<StatusJson, "state" | "exitCode" | "signal"> &
    Partial<Pick<StatusJson, "stalled" | "errored">>,
): string {
  if (s.stalled) return `stalled (since ${s.stalled})`;
  if (s.errored && s.state !== "running" && s.state !== "starting" && s.state !== "queued") {
    return `errored: ${outcome({ ...s, errored: false })}`;
  }
  if (s.state === "running" || s.state === "starting" || s.state === "foreign") return s.state;
  if (s.state === "queued") {
    const until = (s as { diagnosis?: { resetAt?: string } | null }).diagnosis?.resetAt;
    return until === undefined ? "queued" : `queued (until ${until})`;
  }
  if (s.signal) return `${s.state} (${s.signal})`;
  if (s.exitCode !== null) return `${s.state} (exit ${s.exitCode})`;
  return s.state;
}

/** Strip control characters from text shown in a table cell (names of foreign sessions, diagnoses). */
export function cell(text: string, max = 60): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
