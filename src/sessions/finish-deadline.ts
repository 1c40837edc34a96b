import { diagnose } from "../diagnose/diagnose.js";
import type { Context } from "./context.js";
import { endState } from "./lifecycle.js";
import { readExit, readStarted } from "./rundir.js";
import { logWrittenAt } from "../rundir/log.js";
import type { PaneReport } from "./pane-report.js";
import { paneStatus } from "./pane-report.js";

/**
 * The finisher's deadline. The finisher runs in the pane right after the
 * agent: it asks git for the evidence, records the run, and sends the
 * notifications. Each git call has its own 30 s limit and each notification
 * command 10 s, but they run one after another (several git calls, then one
 * delivery per destination), so together they have no bound, and a git
 * waiting on a lock or a credential prompt would keep the pane (and the
 * finisher's memory) forever. A healthy finish takes well under a second and
 * a slow repository a few seconds; 60 s is far past that and still short
 * enough that the run is on record within a minute of the agent's exit.
 */
export const FINISH_DEADLINE_MS = 60_000;

/** AGENTMUX_FINISH_DEADLINE_MS overrides the deadline (tests use a short one). */
export function finishDeadlineMs(env: NodeJS.ProcessEnv): number {
  const v = Number(env.AGENTMUX_FINISH_DEADLINE_MS);
  return Number.isInteger(v) && v > 0 ? v : FINISH_DEADLINE_MS;
}

export type Deadlined<T> = { done: true; value: T } | { done: false };

/** The work's result, or { done: false } once `ms` have passed (the work is not stopped). */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<Deadlined<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Deadlined<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ done: true as const, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What the finisher records when its deadline passes: if nobody settled the
 * run yet (git never answered), the exit record as the supervisor wrote it,
 * with a diagnosis from the exit alone and no git evidence or verdict; in
 * any case the run is marked finished. Notifications already planned stay
 * in the outbox, and `agentmux watch`/`heartbeat` deliver them.
 */
export function recordAtDeadline(ctx: Context, runId: number, deadlineMs: number): PaneReport {
  const store = ctx.store();
  const run = store.getRun(runId);
  if (!run) return { status: 1, text: "" };
  const session = store.getSessionById(run.sessionId);
  const why = `the finisher gave up after ${Math.round(deadlineMs / 1000)} s (git or a notification did not answer)`;
  const exit = readExit(run.runDir) ?? {
    exitCode: null,
    signal: null,
    endedAt: new Date().toISOString(),
    reason: "no-exit-record",
  };
  if (run.state === "running" || run.state === "starting") {
    const spec = session?.spec;
    const started = readStarted(run.runDir);
    const found = diagnose({
      agent: spec?.agent ?? "cmd",
      exitCode: exit.exitCode,
      signal: exit.signal,
      durationMs: Date.parse(exit.endedAt) - Date.parse(run.startedAt),
      killRequested: run.killRequested,
      outputTail: [],
      ...(exit.reason === "hangup" ? { hangup: true } : {}),
    });
    store.trySettle(
      run.id,
      endState({
        exitCode: exit.exitCode,
        signal: exit.signal,
        killRequested: run.killRequested,
        hangup: exit.reason === "hangup",
      }),
      {
        ...(started
          ? {
              runnerPid: started.runnerPid,
              agentPid: started.agentPid,
              agentStart: started.agentStart,
            }
          : {}),
        endedAt: exit.endedAt,
        exitCode: exit.exitCode,
        signal: exit.signal,
        endReason: exit.reason,
        diagnosis: { ...found, summary: `${found.summary}; no git evidence: ${why}` },
        // Before the pane gets the finisher's own "gave up" line.
        lastOutputAt: logWrittenAt(run.logPath),
      },
    );
  }
  const final = store.updateRun(run.id, { finishedAt: new Date().toISOString() });
  const name = session?.name ?? `run ${run.id}`;
  return {
    status: paneStatus(final.exitCode, final.signal),
    text: `\nagentmux: ${name} ${final.state}; ${why}: agentmux status ${name}\n`,
  };
}
