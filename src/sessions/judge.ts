import type { Diagnosis } from "../diagnose/types.js";
import { loopReport, type LoopReport } from "../prd/loop-report.js";
import { readLoopEnd } from "../rundir/loop-end.js";
import { logWrittenAt } from "../rundir/log.js";
import { readRunEnv } from "../rundir/env.js";
import type { RunRow, SessionRow, Store } from "../store/store.js";
import { usageText } from "../usage/format.js";
import { recordEnd } from "../verify/since.js";
import type { Evidence, Verdict } from "../verify/types.js";
import { decideVerdict } from "../verify/verdict.js";
import { diagnoseAgentEnd } from "./agent-diagnosis.js";
import type { Context } from "./context.js";
import type { RunState } from "./lifecycle.js";
import { runEvidence } from "./run-evidence.js";
import { recordRunUsage } from "./run-usage.js";
import { readExecError, type ExitRecord } from "./rundir.js";
import { endEscaped } from "./sweep.js";

/** How a run ended, as far as is known before judging it: what the finisher starts from. */
export interface Ending {
  session: SessionRow;
  /** The run as stored, with killRequested as it counts (the kill stopped the agent). */
  run: RunRow;
  state: RunState;
  exit: ExitRecord;
  /** Run-row fields from the supervisor's start record (pids and start times), when it wrote one. */
  started: Partial<RunRow>;
  /** A diagnosis decided before judging (a lost run's), kept over the classifier's. */
  diagnosis?: Diagnosis;
  /** The pane log's last lines are in once this settles (see ExitWatch); git is asked meanwhile. */
  logSettled?: Promise<unknown>;
}

/**
 * Everything decided about one ended run. judge() builds it; the finisher
 * then records it (store), announces it (notify/ outbox) and mirrors it
 * (journal), in that order, passing this one object along.
 */
export interface Settlement extends Ending {
  evidence: Evidence;
  /** null for a lost run: nothing is known about how the agent ended. */
  verdict: Verdict | null;
  diagnosis: Diagnosis;
  durationMs: number;
  /** Tokens and cost, as text, when the agent reported them. */
  usage: string | null;
  /** A loop's `3/4 items done`. */
  loopProgress: string | null;
  /**
   * When the agent last wrote output: its log's mtime once the tail is read
   * and what it started outside its group is ended. null for a lost run,
   * whose agent may still be writing (its log is then asked each time).
   */
  lastOutputAt: string | null;
}

/**
 * Judge a run: git evidence, verdict, usage and diagnosis. What the agent
 * started outside its process group (setsid, daemons) is ended meanwhile,
 * before the run is recorded as over. Writes only what must be there before
 * the run settles: the end tree (so `verify` judges the run, not later
 * edits), the usage (so whoever waits for the run finds it) and a rate
 * limit's pause for the governor (agent-diagnosis.ts).
 */
export async function judge(ctx: Context, ending: Ending): Promise<Settlement> {
  const { session, run, exit } = ending;
  const spec = session.spec;
  const [evidence] = await Promise.all([
    runEvidence(spec, run, ending.logSettled),
    endEscaped(ctx, run, { graceMs: spec.graceSeconds * 1000, socket: spec.socket }),
  ]);
  // Nothing writes to the pane after this but agentmux's own summary line.
  const lastOutputAt = ending.state === "lost" ? null : logWrittenAt(run.logPath);
  // A loop's own PRD and notes are filtered from `uncommitted` but still dirty the tree.
  await recordEnd(spec.cwd, evidence, evidence.uncommitted.length > 0 || spec.loop !== undefined);
  const verdict =
    ending.state === "lost"
      ? null
      : decideVerdict({ exitCode: exit.exitCode, signal: exit.signal, evidence });
  const durationMs = Date.parse(exit.endedAt) - Date.parse(run.startedAt);
  const usage = usageText(await recordRunUsage(ctx, session, run));
  const execError = readExecError(run.runDir);
  // A loop's diagnosis is its report: how it ended and which items did not make it.
  const loop = loopReportOf(ctx.store(), session, run.runDir, run.killRequested);
  // Before the run settles (that frees its launch slot): a rate limit's pause must be there first.
  const diagnosis = diagnoseAgentEnd(
    { store: ctx.store(), config: ctx.config() },
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
      pathValue: readRunEnv(run.runDir)?.PATH,
      hangup: exit.reason === "hangup",
    },
    { at: new Date(exit.endedAt), given: ending.diagnosis ?? loop?.diagnosis },
  );
  return {
    ...ending,
    evidence,
    verdict,
    diagnosis,
    durationMs,
    usage,
    loopProgress: loop?.progress ?? null,
    lastOutputAt,
  };
}

/** A loop run's report, from its items in the store and its driver's end record; null for other runs. */
function loopReportOf(
  store: Store,
  session: SessionRow,
  runDir: string,
  killed: boolean,
): LoopReport | null {
  const settings = session.spec.loop;
  if (!settings) return null;
  const report = loopReport(
    store.listLoopItems(session.id),
    settings.attempts,
    store.countIterations({ sessionId: session.id }),
    readLoopEnd(runDir),
    killed,
  );
  const fix = report.diagnosis.fix;
  if (fix) report.diagnosis.fix = fix.replaceAll("<loop>", session.name);
  return report;
}
