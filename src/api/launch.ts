import { readPrd } from "../loop/checklist-read.js";
import { loopStatus } from "../loop/items.js";
import { LOOP_DEFAULTS, parseDur, type LoopSettings } from "../loop/settings.js";
import type { Context } from "../sessions/context.js";
import { launch, resolveCwd, type LaunchRequest } from "../sessions/launch.js";
import { statusJson, type StatusJson } from "../sessions/view.js";
import { AgentmuxError, show } from "../util/errors.js";
import { withContext, type ApiOptions } from "./context.js";
import { monitorFor, type Launched } from "./monitor-start.js";
import {
  agentOf,
  LOOP_AGENTS,
  RUN_AGENTS,
  sessionOptionsOf,
  wholeNumber,
  type SessionInput,
} from "./inputs.js";

export interface RunInput extends SessionInput {
  /** codex, claude, ralphy, cmd or demo. */
  agent: string;
  /** The task, byte-exact (given to the agent as one argv element, stdin or a file; never a shell). */
  prompt?: string | Uint8Array;
  /** Session name (letters, digits, - and _, up to 48); default from agent and prompt. */
  name?: string;
  /** Working directory (default: the process's). */
  cwd?: string;
  /** Extra arguments for the agent CLI; for `cmd`, the command itself. */
  args?: string[];
  /** ralphy only. */
  prd?: string;
  engine?: "codex" | "claude";
  parallel?: boolean;
}

export interface LoopInput extends SessionInput {
  /** The PRD checklist, inside the working tree (default PRD.md). */
  prd?: string;
  /** codex (default), claude, cmd or demo. */
  agent?: string;
  /** The project's check, run after each item that committed work. */
  check?: string;
  name?: string;
  cwd?: string;
  maxIterations?: number | string;
  attempts?: number | string;
  /** Durations: "90s", "45m", "2h" or seconds. */
  iterationTimeout?: string;
  timeout?: string;
  parallel?: number | string;
  startSpacing?: string;
  /** For `cmd`: the command run per item; otherwise extra agent arguments. */
  args?: string[];
}

export function runRequest(input: RunInput): LaunchRequest {
  const agent = agentOf(input.agent, RUN_AGENTS, "an agent");
  const args = input.args ?? [];
  if (input.engine !== undefined && input.engine !== "codex" && input.engine !== "claude") {
    throw new AgentmuxError("usage", `Expected engine codex or claude, got ${show(input.engine)}`);
  }
  const req: LaunchRequest = {
    agent,
    name: input.name,
    cwd: input.cwd,
    extraArgs: agent === "cmd" ? [] : args,
    ...sessionOptionsOf(input),
  };
  if (input.prompt !== undefined) {
    req.prompt =
      typeof input.prompt === "string"
        ? Buffer.from(input.prompt, "utf8")
        : Buffer.from(input.prompt);
  }
  if (agent === "cmd") req.command = args;
  if (input.prd !== undefined) req.prdPath = input.prd;
  if (input.engine !== undefined) req.engine = input.engine;
  if (input.parallel === true) req.parallel = true;
  return req;
}

/** `agentmux run`: the session is recorded and its tmux session started; returns at once. */
export async function runWith(ctx: Context, input: RunInput): Promise<Launched> {
  const req = runRequest(input);
  const { session, run } = await launch(ctx, req);
  return { status: statusJson(session, run, 1, undefined), ...monitorFor(ctx) };
}

export function run(input: RunInput & ApiOptions): Promise<StatusJson> {
  return withContext(input, async (ctx) => (await runWith(ctx, input)).status);
}

/** --start-spacing: 0 means no spacing and no jitter; jitter is at most half the spacing. */
export function startSpacing(text: string | undefined): { spacingMs: number; jitterMs: number } {
  if (text === undefined)
    return { spacingMs: LOOP_DEFAULTS.spacingMs, jitterMs: LOOP_DEFAULTS.jitterMs };
  const spacingMs = /^0+(\.0*)?[a-z]*$/i.test(text.trim()) ? 0 : parseDur("start-spacing", text);
  return { spacingMs, jitterMs: Math.min(LOOP_DEFAULTS.jitterMs, Math.floor(spacingMs / 2)) };
}

export function loopSettings(input: LoopInput): LoopSettings {
  const dur = (key: string, v: string | undefined): number | undefined =>
    v === undefined ? undefined : parseDur(key, v);
  const timeoutMs = dur("timeout", input.timeout);
  if (input.check !== undefined && input.check.trim() === "") {
    throw new AgentmuxError("usage", "--check: expected a command, got an empty string", {
      hint: "--check 'npm test'",
    });
  }
  return {
    prd: input.prd ?? "PRD.md",
    ...(input.check !== undefined ? { check: input.check } : {}),
    maxIterations:
      wholeNumber("max-iterations", input.maxIterations, 1, 100_000) ?? LOOP_DEFAULTS.maxIterations,
    attempts: wholeNumber("attempts", input.attempts, 1, 1000) ?? LOOP_DEFAULTS.attempts,
    iterationTimeoutMs:
      dur("iteration-timeout", input.iterationTimeout) ?? LOOP_DEFAULTS.iterationTimeoutMs,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    checkTimeoutMs: LOOP_DEFAULTS.checkTimeoutMs,
    parallel: wholeNumber("parallel", input.parallel, 1, 64) ?? LOOP_DEFAULTS.parallel,
    ...startSpacing(input.startSpacing),
    noProgressLimit: LOOP_DEFAULTS.noProgressLimit,
  };
}

/** `agentmux loop`: a session whose runner works the PRD item by item; returns at once. */
export async function loopWith(ctx: Context, input: LoopInput): Promise<Launched> {
  const agent = agentOf(
    input.agent ?? "codex",
    LOOP_AGENTS,
    "--agent",
    "any other command: --agent cmd -- your-command args",
  );
  const args = input.args ?? [];
  if (agent === "cmd" && args.length === 0) {
    throw new AgentmuxError("usage", "--agent cmd needs the command to run after --", {
      hint: "agentmux loop --agent cmd --prd PRD.md -- ./my-agent.sh",
    });
  }
  const cwd = resolveCwd(input.cwd);
  const settings = loopSettings(input);
  // Before anything is recorded: the PRD exists, is inside the working tree, has items.
  const prd = await readPrd(settings.prd, { cwd });
  const display = [
    "agentmux loop",
    `--prd ${settings.prd}`,
    `--agent ${agent}`,
    ...(settings.check ? [`--check ${JSON.stringify(settings.check)}`] : []),
    ...(args.length > 0 ? ["--", ...args] : []),
  ].join(" ");
  const req: LaunchRequest = {
    agent,
    kind: "loop",
    loop: settings,
    display,
    name: input.name,
    cwd,
    extraArgs: agent === "cmd" ? [] : args,
    ...sessionOptionsOf(input),
  };
  if (agent === "cmd") req.command = args;

  const { session, run } = await launch(ctx, req);
  const monitor = monitorFor(ctx);
  // The driver records the items too (and again before every iteration);
  // doing it here lets `status` show them from the first moment.
  const store = ctx.store();
  store.syncLoopItems(
    session.id,
    prd.checklist.items.map((i, index) => ({
      key: i.key,
      text: i.text,
      index,
      checked: i.checked,
    })),
  );
  const loop = loopStatus(store.listLoopItems(session.id), settings.attempts, 0);
  return {
    status: { ...statusJson(session, run, 1, undefined), loop },
    ...monitor,
    items: {
      total: prd.checklist.items.length,
      open: prd.checklist.items.filter((i) => !i.checked).length,
      prd: prd.relativePath,
    },
  };
}

export function loop(input: LoopInput & ApiOptions): Promise<StatusJson> {
  return withContext(input, async (ctx) => (await loopWith(ctx, input)).status);
}
