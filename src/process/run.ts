import { spawn, type StdioOptions } from "node:child_process";
import { terminateThenKill } from "./escalate.js";

/**
 * The one seam that spawns processes. Always argv, never a shell string.
 * Every child gets a deadline: TERM at the deadline, KILL after a grace period.
 */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes or text written to stdin, then stdin is closed. Default: stdin is /dev/null. */
  input?: string | Buffer;
  /** Deadline in ms; 0 = none. Default 30 s, so a wedged child never hangs a command. */
  timeoutMs?: number;
  /** Grace between TERM and KILL once the deadline passes. */
  killGraceMs?: number;
  /** Start the child in its own process group and signal the whole group on timeout. */
  group?: boolean;
  /** Stop the child early (TERM, then KILL after the grace period), e.g. when the caller stops. */
  signal?: AbortSignal;
}

export interface RunResult {
  command: string;
  args: readonly string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  spawnError?: NodeJS.ErrnoException;
}

const DEFAULT_TIMEOUT_MS = 30_000;
// Long enough for a well-behaved CLI to flush and exit on TERM, short enough
// that a command the user is waiting for does not look hung.
const DEFAULT_KILL_GRACE_MS = 2_000;

/** How to KILL each child of run() still running (see killRunningChildren). */
const running = new Set<() => void>();

/**
 * KILL every child run() started that is still running. For a process that
 * gives up on work in flight (the finisher at its deadline) and must not
 * leave a hung git or notification command behind as an orphan.
 */
export function killRunningChildren(): number {
  const n = running.size;
  for (const kill of [...running]) kill();
  return n;
}

export function run(
  command: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const grace = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const stdio: StdioOptions = [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"];
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio,
      detached: opts.group === true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const signalChild = (sig: NodeJS.Signals): void => {
      try {
        if (opts.group === true && child.pid !== undefined) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // Already gone: nothing to stop.
      }
    };
    const closed = new Promise<void>((r) => child.once("close", () => r()));
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void terminateThenKill(signalChild, closed, grace);
    };
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, timeoutMs)
        : undefined;
    const onAbort = stop;
    const killNow = (): void => signalChild("SIGKILL");
    running.add(killNow);
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    if (opts.input !== undefined && child.stdin) {
      // EPIPE when the child exits without reading all input is not our failure.
      child.stdin.on("error", () => undefined);
      child.stdin.end(opts.input);
    }
    child.on("close", (code, signal) => {
      running.delete(killNow);
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      const result: RunResult = {
        command,
        args,
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
      };
      if (spawnError) result.spawnError = spawnError;
      resolve(result);
    });
  });
}

/** Start a process that outlives this one (stdio ignored, own session). Returns its pid. */
export function startDetached(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: "ignore",
      detached: true,
    });
    child.once("error", reject);
    child.once("spawn", () => {
      child.unref();
      resolve(child.pid ?? -1);
    });
  });
}

/** Run with the terminal handed over (attach). Resolves with the exit code. */
export function runInteractive(
  command: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: opts.env });
    child.once("error", reject);
    child.once("close", (code) => resolve(code ?? 1));
  });
}
