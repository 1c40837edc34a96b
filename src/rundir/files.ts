import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";

/**
 * The run directory protocol: every file that `agentmux run` (node), the
 * supervisor in the pane (runner/runner.pl), the finisher, `agentmux watch`
 * and the agents exchange in STATE/runs/<runId>/. This list is the one
 * place that names them; runner.pl's header points here, and a test checks
 * that every name runner.pl uses is listed. Everything is 0600 in a 0700
 * directory (env holds the caller's secrets); files another process reads
 * while they may change are written by rename (writeRunFile, or runner.pl's
 * spew), so nobody reads half a record.
 */
export interface RunFileInfo {
  readonly writer: string;
  readonly reader: string;
  readonly format: string;
}

export const RUN_FILES = {
  argv: {
    writer: "run (writeRunDir)",
    reader: "runner.pl",
    format: "the agent's argv, NUL-terminated elements (never a shell string)",
  },
  env: {
    writer: "run (writeRunDir)",
    reader: "runner.pl; the finisher and outbox (PATH, notification env)",
    format: "the agent's complete environment, NUL-terminated KEY=VALUE",
  },
  cwd: { writer: "run (writeRunDir)", reader: "runner.pl", format: "the working directory" },
  "runner.conf": {
    writer: "run (writeRunDir)",
    reader: "runner.pl",
    format: "key=value lines: stdin=prompt|null|tty, grace=SECONDS",
  },
  prompt: {
    writer: "run (writeRunDir)",
    reader: "runner.pl (the agent's stdin when stdin=prompt); agents via $AGENTMUX_PROMPT_FILE",
    format: "the prompt bytes",
  },
  started: {
    writer: "runner.pl",
    reader: "node (readStarted)",
    format:
      '"RUNNER_PID AGENT_PID AGENT_START_TICKS RUNNER_START_TICKS\\n" (- when unknown); its mtime is the start time',
  },
  exit: {
    writer: "runner.pl",
    reader: "node (readExit); watch wakes on it",
    format: '"CODE SIGNAL REASON\\n" (- when absent); its mtime is the exit time',
  },
  "exec-error": {
    writer: "runner.pl",
    reader: "node (readExecError)",
    format: "why the agent could not be started (then CODE is 127)",
  },
  watched: {
    writer: "watch (ExitWatch), removed when it stops watching",
    reader: "runner.pl",
    format: '"WATCH_PID\\n": watch will finish the run; the supervisor waits for settled',
  },
  settled: {
    writer: "watch (ExitWatch)",
    reader: "runner.pl",
    format: '"PANE_STATUS\\n" then the text for the pane; no finisher is started',
  },
  "output.log": {
    writer: "tmux pipe-pane",
    reader: "node (tail, diagnosis, stall checks)",
    format: "the pane's output, raw bytes",
  },
  "last-message.md": {
    writer: "codex (--output-last-message)",
    reader: "people (agentmux does not read it)",
    format: "codex's last message",
  },
  "loop-end.json": {
    writer: "the loop driver (_loop)",
    reader: "the finisher",
    format: "why the loop ended, one JSON object",
  },
  "prd-start": {
    writer: "run (the PRD snapshot at the start)",
    reader: "verify (ticks since the start)",
    format: "the PRD's bytes when the run started",
  },
} as const satisfies Record<string, RunFileInfo>;

export type RunFileName = keyof typeof RUN_FILES;

/** A loop's iteration keeps its own prompt and output.log in this subdirectory, plus its id. */
export const ITERATION_DIR_PREFIX = "iter-";

export function runFile(runDir: string, name: RunFileName): string {
  return join(runDir, name);
}

/** Write a run file by rename (0600): the supervisor never reads half of it. */
export function writeRunFile(runDir: string, name: RunFileName, data: string | Uint8Array): void {
  writeFileAtomic(runFile(runDir, name), data);
}
