import { constants as osConstants } from "node:os";
import { Context } from "../../sessions/context.js";
import { finishRun } from "../../sessions/finish.js";
import { deliverDeferred, notifyWindowMs } from "../../sessions/outbox.js";
import { runIdOfRunDir, stateDirOfRunDir } from "../../sessions/rundir.js";
import { err, out } from "../output.js";

/**
 * `agentmux _finish RUNDIR` — internal: the supervisor execs this in the pane
 * right after the agent exits. It runs with the tmux server's environment,
 * so everything it needs comes from the run directory and the store.
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
    if (!outcome) {
      // Someone settled it first: `agentmux watch` (monitor/exit-watch.ts), or ls/status.
      const run = ctx.store().getRun(runId);
      const name = run ? ctx.store().getSessionById(run.sessionId)?.name : undefined;
      if (run && name)
        out(`\nagentmux: ${name} ${run.state} (already recorded): agentmux status ${name}`);
      return run ? paneStatus(run.exitCode, run.signal) : 0;
    }
    out(`\n${outcome.summary}`);
    for (const f of outcome.notifications.failed) {
      out(`agentmux: notification via ${f.channel} (${f.target}) failed: ${f.error}; will retry`);
    }
    // Sessions that ended together share one message per destination; what
    // had to wait for the window is sent from here when it opens.
    if (outcome.notifications.deferred > 0) {
      await deliverDeferred(ctx.store(), outcome.notifications, {
        runId: outcome.run.id,
        windowMs: notifyWindowMs(ctx.config()),
      });
    }
    return paneStatus(outcome.run.exitCode, outcome.run.signal);
  } finally {
    ctx.close();
  }
}

/** The pane's exit status mirrors the agent's, for anyone who looks at the pane without asking agentmux. */
function paneStatus(exitCode: number | null, signal: string | null): number {
  if (exitCode !== null) return exitCode;
  return signal ? 128 + (osConstants.signals[signal as NodeJS.Signals] ?? 0) : 1;
}
