import { closeSync } from "node:fs";
import { killRunningChildren } from "../../process/run.js";
import { Context } from "../../sessions/context.js";
import { finishRun } from "../../sessions/finish.js";
import {
  finishDeadlineMs,
  recordAtDeadline,
  withinDeadline,
} from "../../sessions/finish-deadline.js";
import { deliverDeferred, FOLLOW_UP_MAX_MS, notifyWindowMs } from "../../notify/outbox.js";
import { paneReport } from "../../sessions/pane-report.js";
import { runIdOfRunDir, stateDirOfRunDir } from "../../sessions/rundir.js";
import { err } from "../output.js";

/**
 * Work abandoned at the deadline (a hung git or notification command, and
 * whatever the abandoned chain would start next) must not keep the finisher
 * alive: entry.ts exits as soon as main() returns.
 */
export const exitWhenDone = true;

/**
 * The supervisor's finisher slot (runner.pl: an flock on STATE/finishers/N,
 * at most 4 finishers at a time), inherited across exec as this descriptor.
 * Taken out of the environment at once so the commands this process starts
 * do not see it.
 */
function takeSlotFd(env: NodeJS.ProcessEnv): number | null {
  const v = Number(env.AGENTMUX_FINISHER_SLOT_FD);
  delete env.AGENTMUX_FINISHER_SLOT_FD;
  return Number.isInteger(v) && v > 2 ? v : null;
}

/**
 * Free the slot once the run is settled: a finisher waiting for a
 * notification window (deliverDeferred, up to FOLLOW_UP_MAX_MS) must not
 * keep the finishers behind it from settling their runs, or runs that ended
 * together settle one window apart and their notifications no longer
 * coalesce. Every child this process started has exited by then (run()
 * waits for them), so none still holds the lock through an inherited copy.
 */
function releaseSlot(fd: number | null): void {
  if (fd === null) return;
  try {
    closeSync(fd);
  } catch {
    // Already closed: the slot is free.
  }
}

/**
 * `agentmux _finish RUNDIR` — internal: the supervisor execs this in the pane
 * right after the agent exits (unless `agentmux watch` finished the run
 * first). It runs with the tmux server's environment, so everything it
 * needs comes from the run directory and the store. It has a deadline
 * (FINISH_DEADLINE_MS): then it records what it has and exits.
 */
export async function main(argv: string[]): Promise<number> {
  const runDir = argv[0];
  if (runDir === undefined) {
    err("agentmux _finish: missing run directory (this command is run by agentmux's supervisor)");
    return 2;
  }
  const slotFd = takeSlotFd(process.env);
  const deadlineMs = finishDeadlineMs(process.env);
  const ctx = new Context({ stateDir: stateDirOfRunDir(runDir) });
  try {
    const runId = runIdOfRunDir(runDir);
    const finished = await withinDeadline(
      (async () => {
        const outcome = await finishRun(ctx, runId);
        return { outcome, report: paneReport(ctx.store(), runId, outcome) };
      })(),
      deadlineMs,
    );
    if (!finished.done) {
      killRunningChildren();
      const report = recordAtDeadline(ctx, runId, deadlineMs);
      process.stdout.write(report.text);
      return report.status;
    }
    const { outcome, report } = finished.value;
    releaseSlot(slotFd);
    process.stdout.write(report.text);
    // Sessions that ended together share one message per destination; what
    // had to wait for the window is sent from here when it opens (at most
    // FOLLOW_UP_MAX_MS), and a delivery that hangs past that plus the
    // deadline is left to watch and heartbeat, which retry pending ones.
    if (outcome && outcome.notifications.deferred > 0) {
      const sent = await withinDeadline(
        deliverDeferred(ctx.store(), outcome.notifications, {
          runId: outcome.run.id,
          windowMs: notifyWindowMs(ctx.config()),
        }),
        FOLLOW_UP_MAX_MS + deadlineMs,
      );
      if (!sent.done) killRunningChildren();
    }
    return report.status;
  } finally {
    ctx.close();
  }
}
