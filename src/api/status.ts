import { loopStatus } from "../loop/items.js";
import { sessionFlags } from "../monitor/flags.js";
import { notificationView } from "../sessions/notify-view.js";
import type { Context } from "../sessions/context.js";
import { findSession } from "../sessions/control.js";
import { refreshSession, type SessionView } from "../sessions/reconcile.js";
import { settledPane } from "../sessions/settled-pane.js";
import { statusJson, type StatusJson } from "../sessions/view.js";
import type { SessionRow } from "../store/store.js";
import type { TmuxPane } from "../tmux/client.js";
import { withContext, type ApiOptions } from "./context.js";
import { nameOf } from "./inputs.js";
import { withUsage } from "./usage-of.js";

/** The status of a session already found (and a pane list, when the caller has one). */
export async function statusOfSession(
  ctx: Context,
  session: SessionRow,
  panes?: TmuxPane[],
): Promise<StatusJson> {
  const allPanes = panes ?? (await ctx.tmux(session.spec.socket).listPanes());
  const view = await refreshSession(ctx, session, allPanes);
  const pane = allPanes.find((p) => p.sessionName === session.name);
  return statusOfView(ctx, view, pane ? { session: pane.sessionName, paneDead: pane.dead } : null);
}

/**
 * The status of a session whose latest run is finished, from the store and
 * /proc alone (no tmux command: `wait` returns on this path), or null when
 * the record cannot say where the pane is (see settledPane). The same
 * object statusOfSession gives for the same run once nothing moves.
 */
export function settledStatusOf(ctx: Context, session: SessionRow): StatusJson | null {
  const run = ctx.store().latestRun(session.id);
  const tmux = run ? settledPane(session, run) : undefined;
  return tmux === undefined ? null : statusOfView(ctx, { session, run }, tmux);
}

function statusOfView(ctx: Context, view: SessionView, tmux: StatusJson["tmux"]): StatusJson {
  const { session, run } = view;
  const spec = session.spec;
  const loop =
    spec.loop === undefined
      ? undefined
      : loopStatus(
          ctx.store().listLoopItems(session.id),
          spec.loop.attempts,
          ctx.store().countIterations({ sessionId: session.id }),
        );
  const status: StatusJson = {
    // tmux in its usual place in the object (and the JSON): the spread keeps the key's position.
    ...statusJson(session, run, run?.runNo ?? 0, undefined, undefined, loop),
    tmux,
    notifications: ctx.store().sessionNotifications(session.id).map(notificationView),
    ...sessionFlags(ctx.store(), ctx.config(), session, run),
  };
  return withUsage(ctx, status, session, run);
}

export async function statusWith(ctx: Context, name: string): Promise<StatusJson> {
  return statusOfSession(ctx, findSession(ctx, nameOf(name)));
}

/** `status --json`: state, exit, pids, times, evidence, verdict, diagnosis (and a loop's items). */
export function status(opts: ApiOptions & { name: string }): Promise<StatusJson> {
  return withContext(opts, (ctx) => statusWith(ctx, opts.name));
}
