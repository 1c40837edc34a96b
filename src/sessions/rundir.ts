import { mkdirSync, readFileSync, statSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { constants as osConstants } from "node:os";
import { runFile, writeRunFile, type RunFileName } from "../rundir/files.js";

/** How one run ended, as recorded by the runner. */
export interface ExitRecord {
  exitCode: number | null;
  signal: string | null;
  endedAt: string;
  /** Why the runner stopped the agent, when it did: "hangup" (pane or server gone), "terminated" (kill). */
  reason: string | null;
}

/**
 * The run directory is the contract between `agentmux run` (node), the
 * supervisor in the pane (runner/runner.pl) and the finisher (node again):
 * STATE/runs/<runId>/, with the files listed (writer, reader, format) in
 * src/rundir/files.ts. This module writes the supervisor's inputs and reads
 * its outputs.
 */
export function sessionDir(stateDir: string, sessionId: number): string {
  return join(stateDir, "sessions", String(sessionId));
}

export function runDirFor(stateDir: string, runId: number): string {
  return join(stateDir, "runs", String(runId));
}

/** The state directory a run directory belongs to (the finisher only knows the run dir). */
export function stateDirOfRunDir(runDir: string): string {
  return join(runDir, "..", "..");
}

export function runIdOfRunDir(runDir: string): number {
  const id = Number(runDir.replace(/\/+$/, "").split("/").pop());
  return Number.isInteger(id) ? id : NaN;
}

export interface RunFiles {
  argv: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string;
  stdin: "prompt" | "null" | "tty";
  graceSeconds: number;
  /** Path of a file whose bytes become the agent's stdin (copied into the run dir). */
  promptFile?: string;
}

const nulJoin = (items: readonly string[]): string => items.map((s) => `${s}\0`).join("");

export function writeRunDir(runDir: string, files: RunFiles): void {
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const w = (name: RunFileName, data: string): void => writeRunFile(runDir, name, data);
  for (const a of files.argv) {
    if (a.includes("\0")) throw new Error("argv element contains NUL");
  }
  w("argv", nulJoin(files.argv));
  w(
    "env",
    nulJoin(
      Object.entries(files.env)
        // Names the runner could not re-create faithfully (and bash function exports) are dropped.
        .filter(([k, v]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !v.includes("\0"))
        .map(([k, v]) => `${k}=${v}`),
    ),
  );
  w("cwd", files.cwd);
  w("runner.conf", `stdin=${files.stdin}\ngrace=${files.graceSeconds}\n`);
  if (files.promptFile !== undefined) copyFileSync(files.promptFile, runFile(runDir, "prompt"));
}

export interface StartedRecord {
  runnerPid: number;
  agentPid: number;
  agentStart: string | null;
  runnerStart: string | null;
  startedAt: string;
}

export function readStarted(runDir: string): StartedRecord | null {
  try {
    const path = runFile(runDir, "started");
    const [runner, agent, ticks, runnerTicks] = readFileSync(path, "utf8").trim().split(" ");
    return {
      runnerPid: Number(runner),
      agentPid: Number(agent),
      agentStart: ticks === undefined || ticks === "-" ? null : ticks,
      runnerStart: runnerTicks === undefined || runnerTicks === "-" ? null : runnerTicks,
      // The runner has no sub-second clock without loading a module; the
      // file's own mtime is the moment it was written.
      startedAt: statSync(path).mtime.toISOString(),
    };
  } catch {
    return null; // not written yet, or the runner never started
  }
}

// Several names share a number (SIGABRT/SIGIOT, SIGIO/SIGPOLL); node lists
// the canonical one first, so the first name seen for a number wins.
const signalNames = new Map<number, string>();
for (const [name, num] of Object.entries(osConstants.signals)) {
  if (!signalNames.has(num)) signalNames.set(num, name);
}

export function signalName(num: number): string {
  return signalNames.get(num) ?? `SIG${num}`;
}

export function readExit(runDir: string): ExitRecord | null {
  try {
    const path = runFile(runDir, "exit");
    const [code, sig, reason] = readFileSync(path, "utf8").trim().split(" ");
    return {
      exitCode: code === undefined || code === "-" ? null : Number(code),
      signal: sig === undefined || sig === "-" ? null : signalName(Number(sig)),
      endedAt: statSync(path).mtime.toISOString(),
      reason: reason === undefined || reason === "-" ? null : reason,
    };
  } catch {
    return null; // the agent has not exited, or the runner died before recording
  }
}

export function readExecError(runDir: string): string | null {
  try {
    return readFileSync(runFile(runDir, "exec-error"), "utf8");
  } catch {
    return null; // the agent started normally
  }
}
