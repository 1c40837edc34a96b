import { journalEnd } from "../journal/journal.js";
import { planNotifications } from "../notify/plan.js";
import { summaryLine, type NotifyEvent } from "../notify/summary.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { runEvidence } from "./run-evidence.js";
import { decideVerdict } from "../verify/verdict.js";
import { recordEnd } from "../verify/since.js";
import type { Context } from "./context.js";
import { endState } from "./lifecycle.js";
import { deliverPending, notifyWindowMs, type OutboxResult } from "./outbox.js";
import { diagnoseAgentEnd } from "./agent-diagnosis.js";
import { readExecError, readExit, readStarted } from "./rundir.js";
import { readEnvFile, runEnv } from "./envfile.js";
import { reportForRun } from "../loop/report.js";
import { endEscaped } from "./sweep.js";
import { desktopAvailable } from "../notify/channels/desktop.js";
import { recordRunUsage } from "./run-usage.js";
import { usageText } from "../usage/format.js";

/** The PATH the agent ran with, for a not-found diagnosis. */
function agentPathValue(runDir: string): string | undefined {
  try {
    return readEnvFile(runFile(runDir, "env")).PATH;
  } catch {
    return undefined; // the run directory is gone (purged): the diagnosis says PATH unknown
  }
}
import type { Diagnosis } from "../diagnose/types.js";
import type { RunState } from "./lifecycle.js";
import type { ExitRecord } from "./rundir.js";
import type { Verdict } from "../verify/types.js";
import { runFile } from "../rundir/files.js";

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
  // A kill counts only if it stopped the agent: the supervisor records why it
  // ended the agent (TERM from kill, HUP). An agent that exited on its own
  // just before the kill arrived keeps its own exit.
  const killRequested = run.killRequested && exit.reason !== null;
  const state = endState({
    exitCode: exit.exitCode,
    signal: exit.signal,
    killRequested,
    hangup: exit.reason === "hangup",
  });
  return settle(
    ctx,
    session,
    { ...run, killRequested },
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
  const spec = session.spec;
  // What the agent started outside its process group (setsid, daemons) is
  // ended before the run is recorded as over, while git is asked.
  const [evidence] = await Promise.all([
    runEvidence(spec, run, logSettled),
    endEscaped(ctx, run, { graceMs: spec.graceSeconds * 1000, socket: spec.socket }),
  ]);
  // The tree as the run left it, so `verify` judges the run and not later edits.
  // A loop's own PRD and notes are filtered from `uncommitted` but still dirty the tree.
  await recordEnd(spec.cwd, evidence, evidence.uncommitted.length > 0 || spec.loop !== undefined);
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
  // Before settling (the settled run frees its slot): a rate limit's pause must be there first.
  const diagnosis = diagnoseAgentEnd(
    { store, config: ctx.config() },
    { name: session.name, spec },
    {
      exitCode: exit.exitCode,
      signal: exit.signal,
      durationMs,
      killRequested: run.killRequested,
      tail: evidence.tail,
      launchError: execError,
      evidence: {
        isRepo: evidence.isRepo,
        commits: evidence.commits.length,
        filesChanged: evidence.filesChanged.length,
      },
      pathValue: agentPathValue(run.runDir),
      hangup: exit.reason === "hangup",
    },
    { at: new Date(exit.endedAt), given: forcedDiagnosis ?? loop?.diagnosis },
  );
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
    { desktopAvailable: spec.notify.desktop === "auto" && desktopAvailable(runEnv(run.runDir)) },
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
