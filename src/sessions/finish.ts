import { journalEnd } from "../journal/journal.js";
import { notifyEvent } from "../notify/event.js";
import {
  deliverPending,
  notifyWindowMs,
  queueNotifications,
  type OutboxResult,
} from "../notify/outbox.js";
import { summaryLine } from "../notify/summary.js";
import type { RunRow, SessionRow } from "../store/store.js";
import type { Context } from "./context.js";
import { judge, type Ending, type Settlement } from "./judge.js";
import { endState } from "./lifecycle.js";
import { readExit, readStarted, type ExitRecord } from "./rundir.js";

/**
 * The finish path, in one direction: judge (judge.ts: evidence, verdict,
 * diagnosis) -> record (the store; exactly one settler wins) -> announce
 * (notify/: the outbox, then delivery) -> mirror (the journal). One
 * Settlement goes through every step, so a notification never claims more
 * than the store records.
 */

export interface FinishOutcome {
  session: SessionRow;
  run: RunRow;
  summary: string;
  notifications: OutboxResult;
}

/**
 * Settle a run whose agent has exited, from the supervisor's records.
 * Returns null when another process settled the run first (see Store.trySettle).
 */
export async function finishRun(
  ctx: Context,
  runId: number,
  /** The pane log's last lines are in once this settles (see ExitWatch); git is asked meanwhile. */
  logSettled?: Promise<unknown>,
): Promise<FinishOutcome | null> {
  const store = ctx.store();
  const run = store.getRun(runId);
  if (!run) return null;
  const session = store.getSessionById(run.sessionId);
  if (!session) return null;
  const exit: ExitRecord = readExit(run.runDir) ?? {
    exitCode: null,
    signal: null,
    endedAt: new Date().toISOString(),
    reason: "no-exit-record",
  };
  const started = readStarted(run.runDir);
  // A kill counts only if it stopped the agent: the supervisor records why it
  // ended the agent (TERM from kill, HUP). An agent that exited on its own
  // just before the kill arrived keeps its own exit.
  const killRequested = run.killRequested && exit.reason !== null;
  return settle(ctx, {
    session,
    run: { ...run, killRequested },
    state: endState({
      exitCode: exit.exitCode,
      signal: exit.signal,
      killRequested,
      hangup: exit.reason === "hangup",
    }),
    exit,
    started: started
      ? { runnerPid: started.runnerPid, agentPid: started.agentPid, agentStart: started.agentStart }
      : {},
    ...(logSettled ? { logSettled } : {}),
  });
}

/** Settle a run as lost: the runner or tmux vanished without recording an exit. */
export async function markLost(
  ctx: Context,
  session: SessionRow,
  run: RunRow,
  reason: string,
  summary: string,
): Promise<FinishOutcome | null> {
  return settle(ctx, {
    session,
    run,
    state: "lost",
    exit: { exitCode: null, signal: null, endedAt: new Date().toISOString(), reason },
    started: {},
    diagnosis: { code: "lost", summary, fix: `agentmux restart ${session.name}` },
  });
}

async function settle(ctx: Context, ending: Ending): Promise<FinishOutcome | null> {
  const settlement = await judge(ctx, ending);
  if (!record(ctx, settlement)) return null;
  const { summary, notifications } = await announce(ctx, settlement);
  await mirror(settlement);
  const run = ctx.store().updateRun(settlement.run.id, { finishedAt: new Date().toISOString() });
  return { session: settlement.session, run, summary, notifications };
}

/** Record: the run's end in the store, if no other process settled it first. */
function record(ctx: Context, s: Settlement): RunRow | null {
  const store = ctx.store();
  return store.trySettle(s.run.id, s.state, {
    ...s.started,
    endedAt: s.exit.endedAt,
    exitCode: s.exit.exitCode,
    signal: s.exit.signal,
    endReason: s.exit.reason,
    evidence: s.evidence,
    verdict: s.verdict,
    diagnosis: s.diagnosis,
    lastOutputAt: s.lastOutputAt,
  });
}

/** Announce: queue the session's notifications in the outbox (notify/), then deliver what may go now. */
async function announce(
  ctx: Context,
  s: Settlement,
): Promise<{ summary: string; notifications: OutboxResult }> {
  const event = notifyEvent(s.session, s.run, {
    // A settled run's state is one of the ended ones (lifecycle.ts endState, or lost).
    state: s.state as "succeeded" | "failed" | "killed" | "lost",
    exitCode: s.exit.exitCode,
    signal: s.exit.signal,
    durationMs: s.durationMs,
    verdict: s.verdict,
    commits: s.evidence.commits.length,
    uncommitted: s.evidence.uncommitted.length,
    unbackedTicks: s.evidence.prd?.unbacked,
    diagnosis: s.diagnosis,
    loop: s.loopProgress,
    usage: s.usage,
  });
  const store = ctx.store();
  queueNotifications(store, s.run, s.session.spec.notify, event);
  const notifications = await deliverPending(store, {
    runId: s.run.id,
    windowMs: notifyWindowMs(ctx.config()),
  });
  return { summary: summaryLine(event), notifications };
}

/** Mirror: the daily-notes line. The store already holds the truth, so a failure here is ignored. */
async function mirror(s: Settlement): Promise<void> {
  if (!s.run.journalFile) return;
  await journalEnd(s.run.journalFile, `${s.session.name}#${s.run.id}`, {
    state: s.state,
    exitCode: s.exit.exitCode,
    signal: s.exit.signal,
    verdict: s.verdict,
    diagnosis: s.diagnosis,
    endedAt: new Date(s.exit.endedAt),
    ...(s.usage !== null ? { usage: s.usage } : {}),
  }).catch(() => false);
}
