import { spawn } from "node:child_process";

/**
 * A child that talks through this process: its stdout goes straight to ours
 * (a remote `tail -f` streams) or is captured, its stderr is passed on as it
 * comes and its last few KB kept for the caller to classify a failure.
 *
 * stdin gets `input` and then stays open until the child exits: for ssh that
 * keeps the remote command's stdin open, so a remote reader sees end of file
 * exactly when this side went away (a `tail -f` whose user pressed Ctrl-C).
 */
export interface ThroughOptions {
  input: string;
  stdout: "inherit" | "capture";
  /** Pass the child's stderr on to ours as it comes (default true). */
  echoStderr?: boolean;
  /** Deadline in ms; 0 = none. TERM at the deadline, KILL after `killGraceMs`. */
  timeoutMs?: number;
  killGraceMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ThroughResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last STDERR_KEEP bytes of stderr. */
  stderr: string;
  timedOut: boolean;
  spawnError?: NodeJS.ErrnoException;
}

const STDERR_KEEP = 4096;

export function runThrough(
  command: string,
  args: readonly string[],
  opts: ThroughOptions,
): Promise<ThroughResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: opts.env,
      stdio: ["pipe", opts.stdout === "inherit" ? "inherit" : "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let errTail = "";
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (s: string) => {
      if (opts.echoStderr !== false) process.stderr.write(s);
      errTail = (errTail + s).slice(-STDERR_KEEP);
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    // EPIPE when the child exits without reading its input is not our failure.
    child.stdin?.on("error", () => undefined);
    child.stdin?.write(opts.input);
    let killTimer: NodeJS.Timeout | undefined;
    const timeoutMs = opts.timeoutMs ?? 0;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
            killTimer = setTimeout(() => child.kill("SIGKILL"), opts.killGraceMs ?? 1_000);
          }, timeoutMs)
        : undefined;
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      child.stdin?.destroy();
      const result: ThroughResult = {
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: errTail,
        timedOut,
      };
      if (spawnError) result.spawnError = spawnError;
      resolve(result);
    });
  });
}
