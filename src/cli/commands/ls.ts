import { Context } from "../../sessions/context.js";
import { isLive } from "../../sessions/lifecycle.js";
import { refreshSession } from "../../sessions/reconcile.js";
import type { SessionSpec } from "../../sessions/spec.js";
import { foreignJson, statusJson, type LoopView, type StatusJson } from "../../sessions/view.js";
import { loopCounts } from "../../loop/items.js";
import { sessionFlags } from "../../monitor/flags.js";
import type { ItemState, Store } from "../../store/store.js";
import type { TmuxPane } from "../../tmux/client.js";
import { MONITOR_SESSION } from "../../tmux/control.js";
import { monitorStatus } from "../../monitor/record.js";
import { flag, parseDeclared, str } from "../args.js";
import { ls as lsDecl } from "../declarations/ls.js";
import { fitTable, terminalWidth, type Column } from "../layout.js";
import { cell, durationCell, err, out, outcome, printJson } from "../output.js";

/**
 * ls's columns for a narrow terminal: NAME and STATE always show; the note
 * and then the name give up width (ending in "…"); then columns are left
 * out, the loop items first and the note last.
 */
const LS_COLUMNS: readonly Column[] = [
  { header: "NAME", min: 16 },
  { header: "AGENT", drop: 3 },
  { header: "STATE" },
  { header: "TIME", drop: 4 },
  { header: "VERDICT", drop: 2 },
  { header: "ITEMS", drop: 5 },
  { header: "NOTE", drop: 1, min: 16 },
];

/** Every session with its latest run, reconciled; plus foreign tmux sessions on the socket. */
export async function listAll(ctx: Context, opts: { all: boolean }): Promise<StatusJson[]> {
  // One list-panes per socket, shared by every session on it. The default
  // socket's is started first so tmux answers while the store is read.
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
  const defaultPanes = panesOf(socket);
  const store = ctx.store();
  const rows = store.listSessionsWithLatestRun({ includeRemoved: opts.all });
  const loops = loopCountsBySession(store, rows);
  // One query for every session's given-up notifications (ls stays fast with hundreds).
  const failedNotes = new Map<number, number>();
  for (const n of store.failedNotifications()) {
    failedNotes.set(n.sessionId, (failedNotes.get(n.sessionId) ?? 0) + 1);
  }
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
    result.push({
      ...statusJson(row.session, run, run?.runNo ?? 0, pane, undefined, loop),
      ...sessionFlags(store, ctx.config(), row.session, run),
      ...(failed > 0 ? { notificationsFailed: failed } : {}),
    });
  }
  const ours = new Set(rows.filter((r) => r.session.removedAt === null).map((r) => r.session.name));
  const panes = await defaultPanes;
  const foreignNames = [...new Set(panes.map((p) => p.sessionName))].filter(
    (n) => !ours.has(n) && n !== MONITOR_SESSION,
  );
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

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(lsDecl, argv);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const list = await listAll(ctx, { all: flag(p, "all") });
    if (flag(p, "json")) {
      printJson(list);
      return 0;
    }
    warnMonitor(ctx, list);
    if (list.length === 0) {
      out('no sessions (start one: agentmux run codex "task" --cwd DIR)');
      return 0;
    }
    const wide = flag(p, "wide");
    const rows = list.map((s) => [
      cell(s.name, Infinity),
      s.agent,
      outcome(s),
      durationCell(s.durationMs),
      s.verdict ?? "-",
      s.loop ? `${s.loop.done}/${s.loop.total}` : "-",
      cell(note(s), Infinity),
    ]);
    out(
      fitTable(LS_COLUMNS, rows, wide ? null : terminalWidth(process.stdout, process.env)).join(
        "\n",
      ),
    );
    return 0;
  } finally {
    ctx.close();
  }
}

/** The NOTE column: the diagnosis, and the account's pause while the session waits on it. */
function note(s: StatusJson): string {
  const parts: string[] = [];
  if (s.notificationsFailed) parts.push(`notification failed (agentmux notify retry ${s.name})`);
  // Then: the diagnosis is cut to the column's width.
  if (s.pausedUntil && s.state !== "queued") parts.push(`paused (until ${s.pausedUntil})`);
  if (s.diagnosis && s.diagnosis.code !== "success") {
    parts.push(`${s.diagnosis.code}: ${s.diagnosis.summary}`);
  }
  if (s.acked && !["running", "starting", "queued", "succeeded"].includes(s.state))
    parts.push("acknowledged");
  return parts.join(" · ");
}

/** One line on stderr when `agentmux watch` died while sessions still need watching. */
export function warnMonitor(ctx: Context, list: readonly { state: string }[]): void {
  const live = list.filter((s) => s.state === "running" || s.state === "starting").length;
  const w = monitorStatus(ctx.store(), live).warning;
  if (w) err(`warning: ${w}`);
}
