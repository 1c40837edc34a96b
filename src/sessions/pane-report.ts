import { constants as osConstants } from "node:os";
import type { Store } from "../store/store.js";
import type { FinishOutcome } from "./finish.js";

/**
 * What the pane shows once a run is finished, and the pane's exit status:
 * the agent's, for anyone who looks at the pane without asking agentmux.
 * Written by whoever finished the run: the finisher the supervisor starts,
 * or `agentmux watch`, which hands it to the supervisor (RUNDIR/settled).
 */
export interface PaneReport {
  status: number;
  text: string;
}

export function paneReport(store: Store, runId: number, outcome: FinishOutcome | null): PaneReport {
  if (!outcome) {
    // Someone settled it first: `agentmux watch` (monitor/exit-watch.ts), or ls/status.
    const run = store.getRun(runId);
    const name = run ? store.getSessionById(run.sessionId)?.name : undefined;
    if (!run) return { status: 0, text: "" };
    const text =
      name === undefined
        ? ""
        : `\nagentmux: ${name} ${run.state} (already recorded): agentmux status ${name}\n`;
    return { status: paneStatus(run.exitCode, run.signal), text };
  }
  const lines = [`\n${outcome.summary}`];
  for (const f of outcome.notifications.failed) {
    lines.push(
      `agentmux: notification via ${f.channel} (${f.target}) failed: ${f.error}; will retry`,
    );
  }
  return {
    status: paneStatus(outcome.run.exitCode, outcome.run.signal),
    text: `${lines.join("\n")}\n`,
  };
}

export function paneStatus(exitCode: number | null, signal: string | null): number {
  if (exitCode !== null) return exitCode;
  return signal ? 128 + (osConstants.signals[signal as NodeJS.Signals] ?? 0) : 1;
}
