import { spawn, type StdioOptions } from "node:child_process";
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  /**
   * Where stdout and stderr go until the child exits: "pipe" (default), or
   * "file": two private temp files, unlinked as soon as they are opened and
   * read once the child has exited. For short commands with small output on
   * a path that must start fast (tmux queries under `ls`): no pipe streams to
   * set up, ~3 ms less per command. The output is then the child's own, up to
   * its exit; anything it left running may write on, unread. Pipes when no
   * temp file can be made; a temp directory that is full gives a short
   * answer, so only for commands that change nothing.
   */
  output?: "pipe" | "file";
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
  const files = opts.output === "file" ? captureFiles() : null;
  const stdin = opts.input === undefined ? "ignore" : "pipe";
  const stdio: StdioOptions = files ? [stdin, files[0], files[1]] : [stdin, "pipe", "pipe"];
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(command, args, {
        cwd: opts.cwd,
        env: opts.env,
        stdio,
        detached: opts.group === true,
      });
    } catch (e) {
      // Refused before any process existed (an argument with a NUL byte): nothing to read.
      if (files) for (const fd of files) closeSync(fd);
      throw e;
    }
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
      if (files) {
        try {
          out.push(readAndClose(files[0]));
        } finally {
          err.push(readAndClose(files[1]));
        }
      }
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

/**
 * Two files only this process can reach, for a child's stdout and stderr:
 * created 0600 under a fresh name (O_EXCL: never an existing file or a
 * symlink planted there) and unlinked at once, so nothing is left behind
 * whatever happens next. Null (use pipes) when the temp directory refuses.
 */
function captureFiles(): [number, number] | null {
  const fds: number[] = [];
  try {
    while (fds.length < 2) {
      const path = join(tmpdir(), `agentmux-out-${process.pid}-${Math.random().toString(36)}`);
      // A name that exists (EEXIST) is someone else's: refused, and never unlinked here.
      fds.push(openSync(path, "wx+", 0o600));
      unlinkSync(path);
    }
    return [fds[0] as number, fds[1] as number];
  } catch {
    for (const fd of fds) closeSync(fd);
    return null;
  }
}

/**
 * Everything written to a capture file, which is then closed. Read at
 * explicit offsets: the child shared this descriptor's file offset and left
 * it at the end, so a plain read would find nothing.
 */
function readAndClose(fd: number): Buffer {
  try {
    const buf = Buffer.allocUnsafe(fstatSync(fd).size);
    let done = 0;
    while (done < buf.length) {
      const n = readSync(fd, buf, done, buf.length - done, done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  } finally {
    closeSync(fd);
  }
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
