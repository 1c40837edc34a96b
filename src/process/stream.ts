import { spawn } from "node:child_process";
import { terminateThenKill } from "./escalate.js";

/**
 * A long-lived child whose stdout is read line by line while it runs (the
 * tmux control-mode client). run.ts is for commands that finish; this is its
 * one sibling for a process that talks for as long as we keep its stdin open.
 */
export interface LineProcess {
  readonly pid: number | undefined;
  /** Write one line (a newline is added). Ignored once the child has exited. */
  write(line: string): void;
  /**
   * Close stdin and wait for the child to exit; one that is still running
   * after `graceMs` gets TERM, and after another `graceMs` KILL.
   */
  stop(graceMs: number): Promise<void>;
  /** Resolves with the exit code (null on a signal) once the child is gone. */
  readonly exited: Promise<number | null>;
}

export function spawnLines(
  command: string,
  args: readonly string[],
  onLine: (line: string) => void,
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): LineProcess {
  const child = spawn(command, args, {
    env: opts.env,
    cwd: opts.cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let open = true;
  let partial = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const p of parts) onLine(p.endsWith("\r") ? p.slice(0, -1) : p);
  });
  // stderr is drained so a chatty child never blocks on a full pipe.
  child.stderr.resume();
  // EPIPE when the child exits first is not our failure: `exited` reports it.
  child.stdin.on("error", () => undefined);
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", () => {
      open = false;
      resolve(null);
    });
    child.once("close", (code) => {
      open = false;
      if (partial !== "") onLine(partial);
      resolve(code);
    });
  });
  return {
    pid: child.pid,
    write(line: string) {
      if (open && child.stdin.writable) child.stdin.write(`${line}\n`);
    },
    async stop(graceMs: number) {
      if (child.stdin.writable) child.stdin.end();
      // Closing stdin is the first request to stop; then TERM, grace, KILL.
      if (await settlesWithin(exited, graceMs)) return;
      await terminateThenKill((sig) => child.kill(sig), exited, graceMs);
      await exited;
    },
    exited,
  };
}

function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(t);
      resolve(true);
    });
  });
}
