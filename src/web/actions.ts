import { loopWith, runWith, type LoopInput, type RunInput } from "../api/launch.js";
import { listWith } from "../api/list.js";
import { killWith, removeWith, restartWith, type RemoveJson } from "../api/sessions.js";
import { statusWith } from "../api/status.js";
import type { Context } from "../sessions/context.js";
import { findSession } from "../sessions/control.js";
import { isLive } from "../sessions/lifecycle.js";
import { validateName } from "../sessions/names.js";
import { refreshSession } from "../sessions/reconcile.js";
import type { StatusJson } from "../sessions/view.js";
import { AgentmuxError, show } from "../util/errors.js";

/**
 * What the dashboard can do: the library's use cases (src/api), the same
 * functions the CLI commands call, so a session looks and behaves the same
 * from both. Names from URLs must pass the CLI's name rule first.
 */

export function sessionName(raw: string): string {
  return validateName(raw);
}

/** `ls --json`. */
export function list(ctx: Context, all = false): Promise<StatusJson[]> {
  return listWith(ctx, { all });
}

/** `status --json`. */
export function status(ctx: Context, name: string): Promise<StatusJson> {
  return statusWith(ctx, sessionName(name));
}

/** `kill --json`. */
export function kill(ctx: Context, name: string): Promise<StatusJson> {
  return killWith(ctx, sessionName(name));
}

/** `restart --json`. */
export async function restart(ctx: Context, name: string): Promise<StatusJson> {
  return (await restartWith(ctx, sessionName(name))).status;
}

/** `rm [--purge] --json`. */
export function remove(ctx: Context, name: string, purge: boolean): Promise<RemoveJson> {
  return removeWith(ctx, [sessionName(name)], purge);
}

/** `run --json`: the body's fields as the library's RunInput (the command of a cmd agent as args). */
export async function startRun(ctx: Context, input: RunInput): Promise<StatusJson> {
  return (await runWith(ctx, input)).status;
}

/** `loop --json`. */
export async function startLoop(ctx: Context, input: LoopInput): Promise<StatusJson> {
  return (await loopWith(ctx, input)).status;
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
  await ctx.tmux(session.spec.socket).sendLine(session.name, text);
}
