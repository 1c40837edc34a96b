import { diagnose } from "../diagnose/diagnose.js";
import { journalEnd } from "../journal/journal.js";
import { planNotifications } from "../notify/plan.js";
import { summaryLine, type NotifyEvent } from "../notify/summary.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { runEvidence } from "./run-evidence.js";
import { decideVerdict } from "../verify/verdict.js";
import type { Context } from "./context.js";
import { endState } from "./lifecycle.js";
import { deliverPending, notifyWindowMs, type OutboxResult } from "./outbox.js";
import { reportFromDiagnosis } from "../monitor/policy/governor.js";
import { readExecError, readExit, readStarted } from "./rundir.js";
import { readEnvFile } from "./envfile.js";
import { reportForRun } from "../loop/report.js";
import { join } from "node:path";
import { recordRunUsage } from "./run-usage.js";
import { usageText } from "../usage/format.js";

/** The PATH the agent ran with, for a not-found diagnosis. */
function agentPathValue(runDir: string): string | undefined {
  try {
    return readEnvFile(join(runDir, "env")).PATH;
  } catch {
    return undefined; // the run directory is gone (purged): the diagnosis says PATH unknown
  }
}
import type { SessionSpec } from "./spec.js";
import type { Diagnosis, Evidence, ExitRecord, RunState, Verdict } from "./types.js";

export interface FinishOutcome {
  session: SessionRow;
  run: RunRow;
  summary: string;
  notifications: OutboxResult;
}

/**
 * Settle a run whose agent has exited: evidence, verdict, diagnosis, store,
 * journal, notifications — in that order, so a notification never claims
 * more than the store records. Returns null when another process settled
 * the run first (exactly one settler wins; see Store.trySettle).
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
  const killRequested = run.killRequested;
  const state = endState({
    exitCode: exit.exitCode,
    signal: exit.signal,
    killRequested,
    hangup: exit.reason === "hangup",
  });
  return settle(
    ctx,
    session,
    run,
    state,
    exit,
    {
      ...(started
        ? {
            runnerPid: started.runnerPid,
            agentPid: started.agentPid,
            agentStart: started.agentStart,
          }
        : {}),
    },
    undefined,
    logSettled,
  );
}

/** Settle a run as lost: the runner or tmux vanished without recording an exit. */
export async function markLost(
  ctx: Context,
  session: SessionRow,
  run: RunRow,
  reason: string,
  summary: string,
): Promise<FinishOutcome | null> {
  const exit: ExitRecord = {
    exitCode: null,
    signal: null,
    endedAt: new Date().toISOString(),
    reason,
  };
  return settle(
    ctx,
    session,
    run,
    "lost",
    exit,
    {},
    { code: "lost", summary, fix: `agentmux restart ${session.name}` },
  );
}

async function settle(
  ctx: Context,
  session: SessionRow,
  run: RunRow,
  state: RunState,
  exit: ExitRecord,
  extra: Partial<RunRow>,
  forcedDiagnosis?: Diagnosis,
  logSettled?: Promise<unknown>,
): Promise<FinishOutcome | null> {
  const store = ctx.store();
  const spec = session.spec as SessionSpec;
  const evidence: Evidence = await runEvidence(spec, run, logSettled);
  const verdict: Verdict | null =
    state === "lost"
      ? null
      : decideVerdict({ exitCode: exit.exitCode, signal: exit.signal, evidence });
  const durationMs = Date.parse(exit.endedAt) - Date.parse(run.startedAt);
  // Before the run settles, so whoever waits for it finds the tokens and cost there.
  const usage = usageText(await recordRunUsage(ctx, session, run));
  const execError = readExecError(run.runDir);
  // A loop's diagnosis is its report: how it ended and which items did not make it.
  const loop = reportForRun(store, session, run.runDir, run.killRequested);
  const diagnosis: Diagnosis =
    forcedDiagnosis ??
    loop?.diagnosis ??
    diagnose({
      agent: spec.agent,
      exitCode: exit.exitCode,
      signal: exit.signal,
      durationMs,
      killRequested: run.killRequested,
      outputTail: execError ? [...evidence.tail, execError] : evidence.tail,
      evidence: {
        isRepo: evidence.isRepo,
        commits: evidence.commits.length,
        filesChanged: evidence.filesChanged.length,
      },
      binary: spec.argv[0] ?? spec.agent,
      ...(agentPathValue(run.runDir) ? { pathValue: agentPathValue(run.runDir) } : {}),
      ...(exit.reason === "hangup" ? { hangup: true } : {}),
    });

  // A rate or usage limit pauses every launch of this agent until it resets
  // (monitor/policy/governor.ts). Before settling: the settled run frees its
  // concurrency slot, and a waiter must find the pause already there.
  reportFromDiagnosis(store, spec.agent, diagnosis, new Date(exit.endedAt), session.name);
  const settled = store.trySettle(run.id, state, {
    ...extra,
    endedAt: exit.endedAt,
    exitCode: exit.exitCode,
    signal: exit.signal,
    endReason: exit.reason,
    evidence,
    verdict,
    diagnosis,
  });
  if (!settled) return null;

  const event: NotifyEvent = {
    name: session.name,
    agent: spec.agent,
    state: state as NotifyEvent["state"],
    exitCode: exit.exitCode,
    signal: exit.signal,
    durationMs,
    cwd: spec.cwd,
    runId: run.id,
    logPath: run.logPath,
    verdict,
    commits: evidence.commits.length,
    uncommitted: evidence.uncommitted.length,
    ...(evidence.prd?.unbacked.length ? { unbackedTicks: evidence.prd.unbacked } : {}),
    diagnosis,
    ...(loop ? { loop: loop.progress } : {}),
    ...(usage !== null ? { usage } : {}),
  };
  // Notifications first: they are what a person is waiting for.
  const planned = planNotifications(
    {
      commands: spec.notify.commands,
      webhooks: spec.notify.webhooks,
      desktop: spec.notify.desktop,
    },
    event,
  );
  store.addNotifications(run.id, planned);
  const notifications = await deliverPending(store, {
    runId: run.id,
    windowMs: notifyWindowMs(ctx.config()),
  });

  if (run.journalFile) {
    await journalEnd(run.journalFile, `${session.name}#${run.id}`, {
      state,
      exitCode: exit.exitCode,
      signal: exit.signal,
      verdict,
      diagnosis,
      endedAt: new Date(exit.endedAt),
      ...(usage !== null ? { usage } : {}),
    }).catch(() => false); // the journal is a mirror; the store already holds the truth
  }
  const final = store.updateRun(run.id, { finishedAt: new Date().toISOString() });
  return { session, run: final, summary: summaryLine(event), notifications };
}
