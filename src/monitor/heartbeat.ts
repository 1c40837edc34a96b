import { isAlive } from "../process/pids.js";
import { terminateGroup } from "../process/terminate.js";
import type { Context } from "../sessions/context.js";
import { isLive } from "../sessions/lifecycle.js";
import { deliverPending, notifyWindowMs, type OutboxResult } from "../notify/outbox.js";
import { refreshSession } from "../sessions/reconcile.js";
import type { RunRow, SessionRow } from "../store/store.js";
import type { TmuxPane } from "../tmux/client.js";
import { fixFor, type SessionReport } from "./attention.js";
import { isErrored } from "../store/errored.js";
import { killSession } from "../sessions/control.js";
import { startRun } from "../sessions/start-run.js";
import { isAcked } from "./ack.js";
import { restartPolicyOf } from "./policy-config.js";
import { monitorStatus, type MonitorStatus } from "./record.js";
import { considerRestart, policyState } from "./restart-apply.js";
import { CpuScan, checkStall } from "./stall-check.js";
import { readEscapedCount } from "../sessions/sweep.js";
import { notificationView, type NotificationView } from "../sessions/notify-view.js";

/**
 * One monitor pass (`agentmux heartbeat`, and every wake-up of `agentmux
 * watch`): reconcile every live session with its supervisor and tmux, end
 * orphaned agents of lost runs, sample running sessions for stalls, apply the
 * restart policy, deliver pending notifications. Everything it decides is in
 * the returned report; nothing is printed here.
 */
export interface PassOptions {
  /** Apply restart decisions (heartbeat --restart, watch); otherwise only report them. */
  restart: boolean;
  /** Restarts due within this are waited for and done in this pass; later ones are reported. */
  maxRestartWaitMs: number;
  stalls?: boolean;
  /** Runs someone in this process is finishing right now (watch's ExitWatch): left as they are. */
  busy?: (runId: number) => boolean;
}

export type FailedNotification = NotificationView & { name: string; fix: string };

export interface PassReport {
  at: string;
  checked: number;
  sessions: SessionReport[];
  attention: number;
  restarted: number;
  orphansEnded: number;
  notifications: {
    delivered: number;
    /** Given up on (state failed), in any session, until `agentmux notify retry NAME`. */
    failed: FailedNotification[];
    /** This pass's attempts that failed and will be tried again at nextAttemptAt. */
    retrying: OutboxResult["failed"];
  };
  monitor: MonitorStatus;
  /** The earliest restart still due, for watch to wake up then. */
  nextDueAt: string | null;
  /** Sessions live after the pass. */
  live: number;
}

export async function heartbeatPass(ctx: Context, opts: PassOptions): Promise<PassReport> {
  const store = ctx.store();
  const now = new Date();
  const rows = store.listSessionsWithLatestRun();
  const panesBySocket = new Map<string, Promise<TmuxPane[]>>();
  const panesOf = (socket: string): Promise<TmuxPane[]> => {
    let p = panesBySocket.get(socket);
    if (!p) {
      p = ctx.tmux(socket).listPanes();
      panesBySocket.set(socket, p);
    }
    return p;
  };

  // 1. Reconcile. A live supervisor is the common case and costs one kill(0).
  const views: { session: SessionRow; run: RunRow | null }[] = [];
  // Processes that escaped a run's group, ended when this pass settled the run.
  let escapedEnded = 0;
  for (const row of rows) {
    let run = row.run;
    if (run && isLive(run.state) && opts.busy?.(run.id) !== true) {
      const spec = row.session.spec;
      const alive = run.runnerPid !== null && isAlive(run.runnerPid, run.runnerStart);
      const panes = alive ? null : await panesOf(spec.socket);
      const before = readEscapedCount(run.runDir);
      run = (await refreshSession(ctx, row.session, panes)).run;
      if (run && !isLive(run.state)) escapedEnded += readEscapedCount(run.runDir) - before;
    }
    views.push({ session: row.session, run });
  }

  // 2. Orphans before anything is restarted: agents of runs whose supervisor is gone.
  const reports = new Map<string, SessionReport>();
  let orphansEnded = escapedEnded;
  await Promise.all(
    views.map(async ({ session, run }) => {
      if (!run || policyState(run) !== "lost" || run.agentPid === null) return;
      if (!isAlive(run.agentPid, run.agentStart)) return;
      const spec = session.spec;
      if (await terminateGroup(run.agentPid, run.agentStart, spec.graceSeconds * 1000)) {
        orphansEnded++;
        reports.set(session.name, base(session, run, "orphan-ended", { orphanPid: run.agentPid }));
      }
    }),
  );

  // 3. Stalls and restarts, a few sessions at a time (a restart may wait out its
  // backoff). After the tmux server died under hundreds of sessions, restarting
  // them all at once would start hundreds of supervisors and tmux clients
  // while their finishers still run: restarts wait their turn.
  const cpu = new CpuScan();
  let nextDue: number | null = null;
  const due = (at: string | undefined): void => {
    if (at === undefined) return;
    const t = Date.parse(at);
    if (nextDue === null || t < nextDue) nextDue = t;
  };
  await eachLimited(views, PASS_CONCURRENCY, async ({ session, run: current }) => {
    let run = current;
    if (!run) return;
    if (run.state === "queued") {
      // A launch the user asked for, waiting for its slot (a paused account,
      // a concurrency limit): started here once it can be, whatever --restart says.
      if (leftForMonitor(run, now.getTime())) run = await startQueued(ctx, session, run);
      if (run.state === "queued") {
        due(run.diagnosis?.resetAt);
        reports.set(session.name, {
          ...base(session, run, "waiting"),
          reason: run.diagnosis?.summary ?? "queued",
          ...(run.diagnosis?.resetAt ? { at: run.diagnosis.resetAt } : {}),
        });
      } else {
        reports.set(session.name, base(session, run, "started", { newRun: run.runNo }));
      }
      return;
    }
    if (run.state === "running" && opts.stalls !== false) {
      const s = await checkStall(ctx, session, run, cpu, now.getTime());
      if (!s?.stalled) return;
      // Only a policy that restarts failures stops a stalled run; otherwise it is only reported.
      if (opts.restart && stallRestarts(ctx, session)) {
        run = (await killSession(ctx, session.name)).run ?? run;
      }
      if (isLive(run.state)) {
        reports.set(session.name, {
          ...base(session, run, "notified"),
          state: "stalled",
          diagnosis: s.diagnosis,
          attention: true,
          reason: s.first ? "notified" : "",
          fix: fixFor(session.name, "stalled", s.diagnosis),
        });
        return;
      }
    }
    if (isLive(run.state)) return;
    const outcome = await considerRestart(ctx, session, run, {
      apply: opts.restart,
      maxWaitMs: opts.maxRestartWaitMs,
      now,
    });
    if (outcome.action === "restart-due" || outcome.action === "waiting") due(outcome.at);
    const state = policyState(run) === "lost" ? "lost" : run.state;
    const show = outcome.action !== "none" || outcome.attention || reports.has(session.name);
    if (!show) return;
    const errored = outcome.action === "errored" || isErrored(store, session.id);
    const prior = reports.get(session.name);
    reports.set(session.name, {
      ...base(session, run, outcome.action),
      state,
      attention: outcome.attention,
      reason: outcome.reason,
      fix: outcome.attention ? fixFor(session.name, state, run.diagnosis, errored) : null,
      ...(outcome.at ? { at: outcome.at } : {}),
      ...(outcome.newRun ? { newRun: outcome.newRun } : {}),
      ...(prior?.orphanPid ? { orphanPid: prior.orphanPid } : {}),
    });
  });

  // An ended run a person acknowledged (agentmux ack) is still listed, but no
  // longer keeps heartbeat at exit 1; the next run that needs attention does.
  for (const { session, run } of views) {
    const r = reports.get(session.name);
    if (!r?.attention || !run || !isAcked(store, run.id)) continue;
    reports.set(session.name, { ...r, attention: false, acked: true });
  }

  // 4. Everything queued (by finishers that could not deliver, stalls, errored).
  const delivered = await deliverPending(store, { windowMs: notifyWindowMs(ctx.config()) });
  const sessions = [...reports.values()].sort((a, b) => a.name.localeCompare(b.name));
  const live = store
    .listSessionsWithLatestRun()
    .filter((r) => r.run !== null && isLive(r.run.state)).length;
  return {
    at: now.toISOString(),
    checked: rows.length,
    sessions,
    attention: sessions.filter((s) => s.attention).length,
    restarted: sessions.filter((s) => s.action === "restarted").length,
    orphansEnded,
    notifications: {
      delivered: delivered.delivered,
      failed: store.failedNotifications().map((n) => ({
        name: n.sessionName,
        ...notificationView(n),
        fix: `agentmux notify retry ${n.sessionName}`,
      })),
      retrying: delivered.failed.filter((f) => !f.final),
    },
    monitor: monitorStatus(store, live),
    nextDueAt: nextDue === null ? null : new Date(nextDue).toISOString(),
    live,
  };
}

/**
 * A queued run the launching `agentmux run` is still working on (or waiting
 * with, for a concurrency slot) is left to it; the monitor takes those that
 * were left to it (a pause: the run says until when) or whose launcher is
 * evidently gone (killed mid-launch).
 */
const LAUNCHER_GRACE_MS = 10_000;

function leftForMonitor(run: RunRow, now: number): boolean {
  return (
    run.diagnosis?.resetAt !== undefined || now - Date.parse(run.startedAt) > LAUNCHER_GRACE_MS
  );
}

async function startQueued(ctx: Context, session: SessionRow, run: RunRow): Promise<RunRow> {
  try {
    return await startRun(ctx, session, {
      queued: run,
      queue: true,
      maxWaitMs: 0,
      onWait: () => undefined,
    });
  } catch {
    // The launch failed (tmux, the agent's binary): startRun settled the run
    // as failed with the reason, which this pass's caller reports next time.
    return ctx.store().getRun(run.id) ?? run;
  }
}

/** Sessions handled at once in step 3 of a pass. */
const PASS_CONCURRENCY = 8;

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function stallRestarts(ctx: Context, session: SessionRow): boolean {
  const policy = restartPolicyOf(session.spec, ctx.config());
  return policy === "on-failure" || policy === "always";
}

function base(
  session: SessionRow,
  run: RunRow,
  action: SessionReport["action"],
  extra: Partial<SessionReport> = {},
): SessionReport {
  return {
    name: session.name,
    state: run.state,
    run: run.runNo,
    diagnosis: run.diagnosis,
    attention: false,
    action,
    reason: "",
    fix: null,
    ...extra,
  };
}
