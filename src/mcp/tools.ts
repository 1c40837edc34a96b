import { z } from "zod";
import type { ApiOptions } from "../api/context.js";
import { loop, run, type LoopInput, type RunInput } from "../api/launch.js";
import { list } from "../api/list.js";
import { doctor, heartbeat } from "../api/monitor.js";
import { kill, remove, restart, verify } from "../api/sessions.js";
import { status } from "../api/status.js";
import { tail } from "../api/tail.js";
import { usage } from "../api/usage.js";
import { wait, waitExitCode } from "../api/wait.js";

/**
 * The MCP tools: each one a use case of the library (src/api), returning
 * what the matching CLI command prints with --json. The SDK checks the
 * types of the arguments; the values are validated by the library, with
 * the CLI's messages.
 */

/** Clients cut a tool call at about 60 s: a wait answers within this and is called again. */
export const MAX_WAIT_SECONDS = 25;
const PROGRESS_EVERY_MS = 5_000;

export interface ToolContext {
  api: ApiOptions;
  signal: AbortSignal;
  /** Sends a progress notification when the client asked for them. */
  progress: (progress: number, total: number | undefined, message: string) => void;
}

export interface ToolDef {
  name: string;
  title: string;
  description: string;
  input: z.ZodObject;
  annotations: {
    readOnlyHint: boolean;
    destructiveHint?: boolean;
    idempotentHint?: boolean;
    openWorldHint?: boolean;
  };
  /** Only with `agentmux mcp --allow-destructive`. */
  destructive?: boolean;
  run: (args: Record<string, unknown>, ctx: ToolContext) => Promise<Record<string, unknown>>;
}

const name = z.string().describe("the session name (agentmux ls lists them)");
const duration = z.string().describe('a duration: "90s", "45m", "2h"');
const sessionOptions = {
  env: z.array(z.string()).optional().describe("extra environment for the agent, NAME=VALUE each"),
  notifyCommands: z
    .array(z.string())
    .optional()
    .describe(
      "commands run when it ends; {name} {state} {summary} ... replaced as whole arguments",
    ),
  notify: z.array(z.string()).optional().describe('presets: "openclaw"'),
  webhooks: z.array(z.string()).optional().describe("URLs POSTed a JSON event when it ends"),
  desktop: z.boolean().optional(),
  noNotify: z.boolean().optional().describe("no notifications, not even from the config"),
  journal: z.string().optional().describe("daily-notes directory to add a line to"),
  restart: z.string().optional().describe("what the monitor restarts: never, on-failure, always"),
  stallAfter: duration.optional().describe("silent for this long = stalled (default 20m)"),
};

const READ = { readOnlyHint: true, openWorldHint: false } as const;

/** Drops undefined values: the library treats an absent key and an undefined one alike, the types do not. */
function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export const TOOLS: readonly ToolDef[] = [
  {
    name: "list_sessions",
    title: "List sessions",
    description:
      "Every agentmux session with its latest run (state, exit, verdict, diagnosis), and tmux sessions agentmux did not start (state foreign). Same objects as `agentmux ls --json`.",
    input: z.object({ all: z.boolean().optional().describe("include removed sessions") }),
    annotations: READ,
    run: async (a, c) => ({ sessions: await list({ ...c.api, all: a.all === true }) }),
  },
  {
    name: "status",
    title: "Session status",
    description:
      "One session's latest run: state (starting, running, succeeded, failed, killed, lost), exit code or signal, git evidence, verdict, diagnosis, tokens and cost, and a loop's items. Same object as `agentmux status --json`.",
    input: z.object({ name }),
    annotations: READ,
    run: async (a, c) => ({ ...(await status({ ...c.api, name: a.name as string })) }),
  },
  {
    name: "tail",
    title: "Session output",
    description:
      "The session's output, terminal escapes stripped. Without offset: the last `lines` lines. With offset (bytes, from a previous call's nextOffset): what came after it, so nothing repeats; eof is true once the run has ended and everything was read.",
    input: z.object({
      name,
      lines: z.number().int().optional().describe("last N lines (default 40) when no offset"),
      offset: z
        .number()
        .int()
        .optional()
        .describe("byte offset to read from: a previous nextOffset"),
      maxBytes: z.number().int().optional().describe("at most this many bytes (default 65536)"),
    }),
    annotations: READ,
    run: async (a, c) => ({
      ...(await tail(
        defined({
          ...c.api,
          name: a.name as string,
          lines: a.lines as number | undefined,
          offset: a.offset as number | undefined,
          maxBytes: a.maxBytes as number | undefined,
        }),
      )),
    }),
  },
  {
    name: "wait",
    title: "Wait for a run to end",
    description: `Returns as soon as the session's current run has finished (or at once if it has), with its status; at most ${MAX_WAIT_SECONDS} s per call (timedOut: true means it is still running: call wait again). exitCode says how it ended like \`agentmux wait\`: 0 succeeded, 1 failed, 3 lost, 4 killed, 124 still running.`,
    input: z.object({
      name,
      timeoutSeconds: z
        .number()
        .optional()
        .describe(`give up after this many seconds (default and most ${MAX_WAIT_SECONDS})`),
    }),
    annotations: READ,
    run: async (a, c) => {
      const seconds = Math.min(
        MAX_WAIT_SECONDS,
        (a.timeoutSeconds as number | undefined) ?? MAX_WAIT_SECONDS,
      );
      const timeoutMs = Math.max(0, seconds) * 1000;
      const r = await wait({
        ...c.api,
        name: a.name as string,
        timeoutMs,
        signal: c.signal,
        progressEveryMs: PROGRESS_EVERY_MS,
        onProgress: (p) =>
          c.progress(p.elapsedMs / 1000, timeoutMs / 1000, `${String(a.name)} is ${p.state}`),
      });
      return { ...r, exitCode: waitExitCode(r) };
    },
  },
  {
    name: "verify",
    title: "Verify with git",
    description:
      "Re-checks with git what the latest run changed since it started: commits, files changed, uncommitted files, PRD boxes ticked without a commit, and the verdict. Same object as `agentmux verify --json`.",
    input: z.object({ name }),
    annotations: READ,
    run: async (a, c) => ({ ...(await verify({ ...c.api, name: a.name as string })) }),
  },
  {
    name: "start_run",
    title: "Start an agent run",
    description:
      "Starts a coding agent (codex, claude, ralphy, cmd, demo) in a detached tmux session and returns at once with its status; follow it with wait, status and tail. The prompt reaches the agent byte-exact, never through a shell.",
    input: z.object({
      agent: z.string().describe("codex, claude, ralphy, cmd (the command in args) or demo"),
      prompt: z.string().optional().describe("the task"),
      name: z.string().optional().describe("session name (default from agent and prompt)"),
      cwd: z.string().optional().describe("working directory (absolute; default: the server's)"),
      args: z.array(z.string()).optional().describe("extra agent arguments; for cmd, the command"),
      ...sessionOptions,
    }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    },
    run: async (a, c) => ({ ...(await run(defined({ ...c.api, ...(a as unknown as RunInput) }))) }),
  },
  {
    name: "start_loop",
    title: "Start a verified loop over a PRD",
    description:
      "Works through a PRD's markdown checklist item by item, each with a fresh agent; an item is done only when git shows a commit for it and the check passes. Returns at once with the loop's status and items.",
    input: z.object({
      prd: z.string().optional().describe("the PRD inside the working tree (default PRD.md)"),
      agent: z.string().optional().describe("codex (default), claude, cmd or demo"),
      check: z.string().optional().describe("the project's check command, e.g. npm test"),
      name: z.string().optional(),
      cwd: z.string().optional(),
      maxIterations: z.number().int().optional(),
      attempts: z.number().int().optional(),
      iterationTimeout: duration.optional(),
      timeout: duration.optional(),
      parallel: z.number().int().optional().describe("items at once, each in its own worktree"),
      startSpacing: duration.optional(),
      args: z.array(z.string()).optional().describe("for cmd: the command run per item"),
      ...sessionOptions,
    }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    },
    run: async (a, c) => ({
      ...(await loop(defined({ ...c.api, ...(a as unknown as LoopInput) }))),
    }),
  },
  {
    name: "restart",
    title: "Restart a session",
    description:
      "Starts the session again with the same agent, argv, cwd, environment and prompt as a new run. A run still going is killed first.",
    input: z.object({ name }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: true,
    },
    run: async (a, c) => ({ ...(await restart({ ...c.api, name: a.name as string })) }),
  },
  {
    name: "heartbeat",
    title: "One monitor pass",
    description:
      "Reconciles every session: runs whose supervisor or tmux vanished become lost, orphaned agents are ended, stalls are flagged, pending notifications delivered; with restart: true, restarts what each session's policy says. Same object as `agentmux heartbeat --json`.",
    input: z.object({ restart: z.boolean().optional() }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
    run: async (a, c) => ({ ...(await heartbeat({ ...c.api, restart: a.restart === true })) }),
  },
  {
    name: "usage",
    title: "Tokens and cost",
    description:
      "Tokens and cost the agents reported, summed per session, agent or day. input includes cache reads and writes; output includes reasoning; cost.basis is reported (by the CLI), estimated (from the config's prices) or none. null is unknown, never 0.",
    input: z.object({
      since: duration.optional().describe('only what ended within this ("24h", "7d")'),
      by: z.string().optional().describe("session (default), agent or day"),
    }),
    annotations: READ,
    run: async (a, c) => ({
      ...(await usage(
        defined({ ...c.api, since: a.since as string | undefined, by: a.by as string | undefined }),
      )),
    }),
  },
  {
    name: "doctor",
    title: "Check the setup",
    description:
      "Checks tmux, the socket, perl, the agent CLIs and their login, the config, the store and the monitor; each failed check says how to fix it.",
    input: z.object({}),
    annotations: READ,
    run: async (_a, c) => ({ ...(await doctor(c.api)) }),
  },
  {
    name: "kill",
    title: "Stop a session",
    description:
      "Stops the session's agent (TERM to its process group, KILL after the grace period) and returns once the run is recorded as killed (at most the grace period plus 10 s), verified and notified. Its output stays readable.",
    input: z.object({ name }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
    destructive: true,
    // Unlike the CLI's kill, which answers "stopping" within a second, the tool waits for the
    // record: an assistant gets the final state in one call, well inside a client's 60 s limit.
    run: async (a, c) => ({ ...(await kill({ ...c.api, name: a.name as string, wait: true })) }),
  },
  {
    name: "remove",
    title: "Remove finished sessions",
    description:
      "Removes finished sessions: closes their dead tmux panes and hides them from list_sessions; purge also deletes their records, logs and run files.",
    input: z.object({
      names: z.array(z.string()).describe("session names"),
      purge: z.boolean().optional(),
    }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
    destructive: true,
    run: async (a, c) => ({
      ...(await remove({ ...c.api, names: a.names as string[], purge: a.purge === true })),
    }),
  },
];
