import { loopStatus } from "../loop/items.js";
import type { Context } from "../sessions/context.js";
import { findSession } from "../sessions/control.js";
import { refreshSession } from "../sessions/reconcile.js";
import type { SessionSpec } from "../sessions/spec.js";
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
  const spec = session.spec as SessionSpec;
  const allPanes = panes ?? (await ctx.tmux(spec.socket).listPanes());
  const view = await refreshSession(ctx, session, allPanes);
  const pane = allPanes.find((p) => p.sessionName === session.name);
  const loop =
    spec.loop === undefined
      ? undefined
      : loopStatus(
          ctx.store().listLoopItems(session.id),
          spec.loop.attempts,
          ctx.store().countIterations({ sessionId: session.id }),
        );
  const status = statusJson(view.session, view.run, view.run?.runNo ?? 0, pane, undefined, loop);
  return withUsage(ctx, status, view.session, view.run);
}

export async function statusWith(ctx: Context, name: string): Promise<StatusJson> {
  return statusOfSession(ctx, findSession(ctx, nameOf(name)));
}

/** `status --json`: state, exit, pids, times, evidence, verdict, diagnosis (and a loop's items). */
export function status(opts: ApiOptions & { name: string }): Promise<StatusJson> {
  return withContext(opts, (ctx) => statusWith(ctx, opts.name));
}
