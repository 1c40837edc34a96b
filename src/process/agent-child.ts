import { spawn } from "node:child_process";
import { closeSync, createWriteStream, openSync } from "node:fs";
import { processStartTicks, signal } from "./pids.js";
import { terminateThenKill } from "./escalate.js";

/**
 * One loop iteration's agent: a child in its own process group (so a timeout
 * or `agentmux kill` ends the agent and whatever it started, and nothing
 * else), stdin from a file, stdout and stderr copied both to the pane (so a
 * person attached sees the agent work) and to a log file (for diagnosis).
 */
export interface AgentChildOptions {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** File whose bytes become stdin; /dev/null when absent. */
  stdinFile?: string;
  logPath: string;
  /** Where output is mirrored (the pane): default this process's stdout/stderr. */
  mirror?: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } | null;
}

export interface AgentExit {
  exitCode: number | null;
  signal: string | null;
  /** The agent could not be started at all (ENOENT, EACCES...). */
  spawnError?: string;
}

export interface AgentChild {
  pid: number;
  /** Start time in clock ticks (Linux), so a recycled pid is never mistaken for it. */
  startTicks: string | null;
  exited: Promise<AgentExit>;
  /** TERM the group, then KILL it after graceMs if it is still there. Resolves when it has exited. */
  stop(graceMs: number): Promise<AgentExit>;
}

/** How long leftovers in the agent's group get between TERM and KILL after it exits. */
const LEFTOVER_GRACE_MS = 1_000;
/** The leftovers of a group have no exit to wait on: their KILL always follows the grace period. */
const NEVER = new Promise<never>(() => undefined);

export function startAgentChild(opts: AgentChildOptions): AgentChild {
  const stdinFd = openSync(opts.stdinFile ?? "/dev/null", "r");
  const log = createWriteStream(opts.logPath, { flags: "a", mode: 0o600 });
  const [cmd, ...args] = opts.argv;
  let child;
  try {
    child = spawn(cmd ?? "", args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: [stdinFd, "pipe", "pipe"],
      detached: true,
    });
  } finally {
    // The child has its own copy of the descriptor now.
    closeSync(stdinFd);
  }
  const mirror =
    opts.mirror === undefined ? { out: process.stdout, err: process.stderr } : opts.mirror;
  child.stdout?.on("data", (b: Buffer) => {
    log.write(b);
    mirror?.out.write(b);
  });
  child.stderr?.on("data", (b: Buffer) => {
    log.write(b);
    mirror?.err.write(b);
  });
  const pid = child.pid ?? -1;
  const startTicks = pid > 0 ? processStartTicks(pid) : null;
  const exited = new Promise<AgentExit>((resolve) => {
    let status: AgentExit | null = null;
    const finish = (): void => {
      if (status === null) return;
      const result = status;
      status = null;
      log.end(() => resolve(result));
    };
    child.on("error", (e) => {
      // Could not start at all: there will be no exit status.
      if (pid <= 0) {
        status = { exitCode: 127, signal: null, spawnError: e.message };
        finish();
      }
    });
    child.on("exit", (code, sig) => {
      status = { exitCode: code, signal: sig };
      // What the agent left in its group (a dev server, a watcher) must not
      // outlive it, and would keep its output pipes (and 'close') open.
      void terminateThenKill((sig) => signal(-pid, sig), NEVER, LEFTOVER_GRACE_MS);
      // 'close' follows once the pipes drain; do not wait on it forever.
      setTimeout(finish, LEFTOVER_GRACE_MS + 1_000).unref();
    });
    child.on("close", finish);
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const stop = async (graceMs: number): Promise<AgentExit> => {
    if (done || pid <= 0) return exited;
    await terminateThenKill((sig) => signal(-pid, sig), exited, graceMs);
    const result = await exited;
    // Whatever the agent left in its group (a dev server, a watcher) goes too.
    signal(-pid, "SIGKILL");
    return result;
  };
  return { pid, startTicks, exited, stop };
}
