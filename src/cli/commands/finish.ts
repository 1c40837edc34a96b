import { Context } from "../../sessions/context.js";
import { finishRun } from "../../sessions/finish.js";
import { deliverDeferred, notifyWindowMs } from "../../sessions/outbox.js";
import { paneReport } from "../../sessions/pane-report.js";
import { runIdOfRunDir, stateDirOfRunDir } from "../../sessions/rundir.js";
import { err } from "../output.js";

/**
 * `agentmux _finish RUNDIR` — internal: the supervisor execs this in the pane
 * right after the agent exits (unless `agentmux watch` finished the run
 * first). It runs with the tmux server's environment, so everything it
 * needs comes from the run directory and the store.
 */
export async function main(argv: string[]): Promise<number> {
  const runDir = argv[0];
  if (runDir === undefined) {
    err("agentmux _finish: missing run directory (this command is run by agentmux's supervisor)");
    return 2;
  }
  const ctx = new Context({ stateDir: stateDirOfRunDir(runDir) });
  try {
    const runId = runIdOfRunDir(runDir);
    const outcome = await finishRun(ctx, runId);
    const report = paneReport(ctx.store(), runId, outcome);
    process.stdout.write(report.text);
    // Sessions that ended together share one message per destination; what
    // had to wait for the window is sent from here when it opens.
    if (outcome && outcome.notifications.deferred > 0) {
      await deliverDeferred(ctx.store(), outcome.notifications, {
        runId: outcome.run.id,
        windowMs: notifyWindowMs(ctx.config()),
      });
    }
    return report.status;
  } finally {
    ctx.close();
  }
}
