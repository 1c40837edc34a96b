import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { processesWith } from "./proc.js";
import { privateTmuxSocket } from "./tmux.js";
import { tempDir } from "./tmp.js";
import { gitEnv } from "./git.js";

export const MAIN_JS = fileURLToPath(new URL("../../dist/bin/main.js", import.meta.url));
export const FAKE_AGENT = fileURLToPath(new URL("../fixtures/fake-agent.sh", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * An isolated agentmux world for one test: its own HOME, state directory,
 * config file and tmux socket (killed when the test ends). Runs the built CLI.
 */
export class World {
  readonly root: string;
  readonly home: string;
  readonly stateDir: string;
  readonly socket: string;
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(config: Record<string, unknown> = {}) {
    this.root = tempDir("agentmux-world-");
    this.home = join(this.root, "home");
    mkdirSync(this.home);
    this.stateDir = join(this.root, "state");
    // Hooks run last-registered first: the tmux server is killed, then this
    // waits for the supervisors (and finishers) still writing their records,
    // then the directory is removed.
    onTestFinished(() => untilNoProcessMentions(this.stateDir, 15_000));
    this.socket = privateTmuxSocket();
    this.configPath = join(this.root, "config.json");
    writeFileSync(
      this.configPath,
      // The monitor is started by the tests that are about it, never on demand.
      JSON.stringify({
        killGraceSeconds: 1,
        notify: { desktop: false },
        monitor: false,
        ...config,
      }),
    );
    this.env = {
      ...gitEnv,
      HOME: this.home,
      XDG_STATE_HOME: join(this.home, ".local", "state"),
      XDG_CONFIG_HOME: join(this.home, ".config"),
      AGENTMUX_HOME: this.stateDir,
      AGENTMUX_SOCKET: this.socket,
      AGENTMUX_CONFIG: this.configPath,
    };
    delete this.env.TMUX;
    delete this.env.AGENTMUX_JOURNAL_DIR;
  }

  cli(
    args: string[],
    opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
  ): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [MAIN_JS, ...args],
        {
          env: { ...this.env, ...opts.env },
          timeout: opts.timeoutMs ?? 60_000,
          maxBuffer: 64 * 1024 * 1024,
          encoding: "utf8",
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (opts.input !== undefined) child.stdin?.end(opts.input);
      else child.stdin?.end();
    });
  }

  async json<T = Record<string, unknown>>(args: string[]): Promise<T> {
    const r = await this.cli([...args, "--json"]);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new Error(
        `agentmux ${args.join(" ")} --json did not print JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`,
      );
    }
  }

  /** Poll `status --json` until `done` holds; on timeout the last status is in the error. */
  async waitStatus(
    name: string,
    done: (s: Status) => boolean,
    timeoutMs = 30_000,
  ): Promise<Status> {
    const deadline = Date.now() + timeoutMs;
    let last: Status | undefined;
    while (Date.now() < deadline) {
      last = await this.json<Status>(["status", name]);
      if (done(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(
      `timed out waiting for ${name}; last status:\n${JSON.stringify(last, null, 2)}`,
    );
  }

  waitEnded(name: string, timeoutMs?: number): Promise<Status> {
    return this.waitStatus(
      name,
      (s) =>
        !["starting", "running"].includes(s.state) && s.verdict !== undefined && s.endedAt !== null,
      timeoutMs,
    );
  }
}

export interface Status {
  name: string;
  agent: string;
  state: string;
  exitCode: number | null;
  signal: string | null;
  pid: number | null;
  agentPid: number | null;
  cwd: string;
  argv: string[];
  startedAt: string;
  endedAt: string | null;
  durationMs: number;
  lastOutputAt: string | null;
  runs: number;
  logPath: string;
  endReason: string | null;
  evidence: {
    isRepo: boolean;
    commits: { sha: string; subject: string }[];
    filesChanged: string[];
    uncommitted: string[];
    tail: string[];
  } | null;
  verdict: string | null;
  diagnosis: { code: string; summary: string; fix?: string } | null;
  foreign: boolean;
  tmux: { session: string; paneDead: boolean } | null;
}

/** Wait for a condition with a deadline (never a fixed sleep). */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Wait (bounded) until no live process has `text` in its argv. */
async function untilNoProcessMentions(text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && processesWith(text).length > 0) {
    await new Promise((r) => setTimeout(r, 50));
  }
}
