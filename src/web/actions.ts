import { listAll } from "../cli/commands/ls.js";
import { statusOf } from "../cli/commands/status.js";
import { startMonitorFor } from "../monitor/autostart.js";
import { run } from "../process/run.js";
import type { Context } from "../sessions/context.js";
import { findSession, killSession, removeSession, restartSession } from "../sessions/control.js";
import { isLive } from "../sessions/lifecycle.js";
import { validateName } from "../sessions/names.js";
import { refreshSession } from "../sessions/reconcile.js";
import type { SessionSpec } from "../sessions/spec.js";
import { statusJson, type StatusJson } from "../sessions/view.js";
import { mainJs } from "../util/paths.js";
import { AgentmuxError, show, type ErrorCode } from "../util/errors.js";

/**
 * What the dashboard can do, each through the code the CLI runs for the same
 * command, so a session looks and behaves the same from both. Names from
 * URLs are checked by the CLI's own name rule before anything is looked up.
 */

export function sessionName(raw: string): string {
  return validateName(raw);
}

/** `ls --json`. */
export function list(ctx: Context, all = false): Promise<StatusJson[]> {
  return listAll(ctx, { all });
}

/** `status --json`. */
export function status(ctx: Context, name: string): Promise<StatusJson> {
  return statusOf(ctx, sessionName(name));
}

/** `kill --json`. */
export async function kill(ctx: Context, name: string): Promise<StatusJson> {
  const view = await killSession(ctx, sessionName(name));
  return statusJson(view.session, view.run, view.run?.runNo ?? 0, undefined);
}

/** `restart --json`. */
export async function restart(ctx: Context, name: string): Promise<StatusJson> {
  const { session, run: r } = await restartSession(ctx, sessionName(name));
  startMonitorFor(ctx, true);
  return statusJson(session, r, r.runNo, undefined);
}

/** `rm [--purge] --json`. */
export async function remove(
  ctx: Context,
  name: string,
  purge: boolean,
): Promise<{ removed: string[]; purged: boolean }> {
  await removeSession(ctx, sessionName(name), { purge });
  return { removed: [name], purged: purge };
}

// Long enough for a paste, short enough that nobody mistakes the box for a file upload.
const MAX_INPUT = 4096;

/** Types one line into a running session's pane (tmux send-keys -l, then Enter). */
export async function sendInput(ctx: Context, name: string, text: string): Promise<void> {
  const session = findSession(ctx, sessionName(name));
  if (text.length > MAX_INPUT) {
    throw new AgentmuxError(
      "bad-value",
      `text: expected at most ${MAX_INPUT} characters, got ${text.length}`,
    );
  }
  // Control characters would be keys (Ctrl-C, Escape sequences), not a line of text.
  const bad = /[\u0000-\u0008\u000a-\u001f\u007f]/.exec(text);
  if (bad) {
    throw new AgentmuxError(
      "bad-value",
      `text: expected one line without control characters, got ${show(bad[0])}`,
    );
  }
  const view = await refreshSession(ctx, session);
  if (!view.run || !isLive(view.run.state)) {
    throw new AgentmuxError(
      "state",
      `Session ${show(session.name)} is not running; there is no one to type to`,
      {
        hint: `agentmux restart ${session.name}`,
      },
    );
  }
  await ctx.tmux((session.spec as SessionSpec).socket).sendLine(session.name, text);
}

export interface RunForm {
  agent: string;
  prompt?: string;
  cwd?: string;
  name?: string;
  /** cmd agent: the command, one argv element each. */
  command?: string[];
}

export interface LoopForm {
  agent?: string;
  prd?: string;
  check?: string;
  cwd?: string;
  name?: string;
}

/**
 * Starting a session goes through the CLI itself (`agentmux run|loop ... --json`):
 * its parsing and checks of agent, name, cwd, PRD and options are the
 * contract, and a form must not be able to do what the command line cannot.
 * Values go as `--opt=value` argv elements and the prompt on stdin, so text
 * that starts with "-" is never taken for an option.
 */
export function runArgv(form: RunForm): { args: string[]; input?: string } {
  const args = ["run", form.agent];
  if (form.name !== undefined) args.push(`--name=${form.name}`);
  if (form.cwd !== undefined) args.push(`--cwd=${form.cwd}`);
  if (form.prompt !== undefined) args.push("--prompt-file=-");
  args.push("--json");
  if (form.command !== undefined) args.push("--", ...form.command);
  return form.prompt === undefined ? { args } : { args, input: form.prompt };
}

export function loopArgv(form: LoopForm): { args: string[] } {
  const args = ["loop"];
  for (const key of ["agent", "prd", "check", "cwd", "name"] as const) {
    const v = form[key];
    if (v !== undefined) args.push(`--${key}=${v}`);
  }
  args.push("--json");
  return { args };
}

/** Runs `agentmux ARGS` with this server's environment and socket; its --json answer or its error. */
export async function viaCli(
  ctx: Context,
  socketFlag: string | undefined,
  call: { args: string[]; input?: string },
): Promise<StatusJson> {
  const args = [...call.args];
  if (socketFlag !== undefined) args.splice(1, 0, `--socket=${socketFlag}`);
  const res = await run(process.execPath, [mainJs, ...args], {
    env: ctx.env,
    timeoutMs: 60_000,
    ...(call.input === undefined ? {} : { input: call.input }),
  });
  let answer: unknown;
  try {
    answer = JSON.parse(res.stdout);
  } catch {
    throw new AgentmuxError(
      "internal",
      `agentmux ${call.args[0] ?? ""} answered no JSON (exit ${String(res.exitCode)}): ${res.stderr.trim()}`,
    );
  }
  const error = (answer as { error?: { code: ErrorCode; message: string; hint?: string } }).error;
  if (error)
    throw new AgentmuxError(
      error.code,
      error.message,
      error.hint === undefined ? {} : { hint: error.hint },
    );
  return answer as StatusJson;
}
