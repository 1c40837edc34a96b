import { loopCounts } from "../loop/items.js";
import { flagsOfAll } from "../monitor/flags.js";
import type { Context } from "../sessions/context.js";
import { isLive } from "../sessions/lifecycle.js";
import { refreshSession } from "../sessions/reconcile.js";
import type { SessionSpec } from "../sessions/spec.js";
import { foreignJson, statusJson, type LoopView, type StatusJson } from "../sessions/view.js";
import type { ItemState, Store } from "../store/store.js";
import type { PaneListing, TmuxPane } from "../tmux/client.js";
import { MONITOR_SESSION } from "../tmux/argv.js";
import { withContext, type ApiOptions } from "./context.js";
import { usageOfLatestRuns } from "./usage-of.js";

/** Every session with its latest run, reconciled; plus foreign tmux sessions on the socket. */
export async function listWith(ctx: Context, opts: { all?: boolean }): Promise<StatusJson[]> {
  // One list-panes per socket, shared by every session on it, for live runs.
  const panesBySocket = new Map<string, Promise<TmuxPane[]>>();
  const panesOf = (s: string): Promise<TmuxPane[]> => {
    let panes = panesBySocket.get(s);
    if (!panes) {
      panes = ctx.tmux(s).listPanes();
      panesBySocket.set(s, panes);
    }
    return panes;
  };
  const socket = ctx.socket;
  const store = ctx.store();
  // The default socket's listing is started before the rows are read, so
  // tmux answers meanwhile. With no run live, nothing is needed of agentmux's
  // own panes, only of the other sessions there (listed, never touched):
  // tmux answers that in about half the time at hundreds of sessions.
  const listing: Promise<PaneListing> = store.hasLiveRuns()
    ? panesOf(socket).then((panes) => ({
        names: panes.map((p) => p.sessionName),
        marked: new Set<string>(),
        panes,
      }))
    : ctx.tmux(socket).listUnmarkedPanes();
  const rows = store.listSessionsWithLatestRun({ includeRemoved: opts.all === true });
  const loops = loopCountsBySession(store, rows);
  // One query for every session's given-up notifications (ls stays fast with hundreds).
  const failedNotes = new Map<number, number>();
  for (const n of store.failedNotifications()) {
    failedNotes.set(n.sessionId, (failedNotes.get(n.sessionId) ?? 0) + 1);
  }
  // Every row's tokens and cost from two queries, as `status` gives them.
  const usageOf = usageOfLatestRuns(store, rows);
  const flagsOf = flagsOfAll(store, ctx.config());
  const result: StatusJson[] = [];
  for (const row of rows) {
    const spec = row.session.spec;
    let { run } = row;
    let panes: TmuxPane[] | undefined;
    if (run && isLive(run.state)) {
      panes = await panesOf(spec.socket);
      run = (await refreshSession(ctx, row.session, panes)).run;
    }
    const pane = panes?.find((p) => p.sessionName === row.session.name);
    const loop = loops.get(row.session.id);
    const failed = failedNotes.get(row.session.id) ?? 0;
    // Assigned in place rather than spread into a new object: the same keys
    // in the same order, one object less per session.
    const json = Object.assign(
      statusJson(row.session, run, run?.runNo ?? 0, pane, undefined, loop),
      flagsOf(row.session, run),
    );
    if (failed > 0) json.notificationsFailed = failed;
    json.usage = usageOf({ session: row.session, run });
    result.push(json);
  }
  const ours = new Set(rows.filter((r) => r.session.removedAt === null).map((r) => r.session.name));
  const { names, marked, panes: unmarked } = await listing;
  const foreignNames = [...new Set(names)].filter((n) => !ours.has(n) && n !== MONITOR_SESSION);
  // Another state directory's sessions on this socket carry a mark too: their panes in full.
  const panes = foreignNames.some((n) => marked.has(n)) ? await panesOf(socket) : unmarked;
  for (const name of foreignNames) result.push(foreignJson(name, socket, panes));
  return result;
}

/** Every loop's item counts from one query (not one per session: ls stays fast with hundreds). */
function loopCountsBySession(
  store: Store,
  rows: readonly { session: { id: number; kind: string; spec: SessionSpec } }[],
): Map<number, LoopView> {
  const result = new Map<number, LoopView>();
  const loops = rows.filter((r) => r.session.kind === "loop");
  if (loops.length === 0) return result;
  const bySession = new Map<number, { state: ItemState; attempts: number }[]>();
  for (const item of store.loopItemStates()) {
    const list = bySession.get(item.sessionId) ?? [];
    list.push(item);
    bySession.set(item.sessionId, list);
  }
  for (const { session } of loops) {
    const attempts = session.spec.loop?.attempts ?? 3;
    result.set(session.id, loopCounts(bySession.get(session.id) ?? [], attempts));
  }
  return result;
}

/** `ls --json`: every session (latest run each) and the foreign tmux sessions on the socket. */
export function list(opts: ApiOptions & { all?: boolean } = {}): Promise<StatusJson[]> {
  return withContext(opts, (ctx) => listWith(ctx, opts));
}
