import { isRunning } from "../process/pids.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { TERMINAL_STATES } from "./lifecycle.js";
import type { StatusJson } from "./view.js";

/**
 * The `tmux` facts of a finished run as its record gives them, or undefined
 * when only tmux can tell. A run whose supervisor recorded the agent's end
 * (an exit code or a signal) leaves its pane in place: remain-on-exit keeps
 * it until `rm`, and it is dead exactly when the supervisor (the pane's own
 * process, later the finisher under the same pid) has exited. A lost run,
 * or one taken out of the queue, may have no pane at all: ask tmux.
 * Pure: `supervisorRunning` is the caller's look at the process table.
 */
export function recordedPane(
  session: Pick<SessionRow, "name">,
  run: Pick<RunRow, "state" | "exitCode" | "signal" | "runnerPid">,
  supervisorRunning: boolean,
): StatusJson["tmux"] | undefined {
  if (!TERMINAL_STATES.has(run.state) || run.state === "lost") return undefined;
  if (run.runnerPid === null || (run.exitCode === null && run.signal === null)) return undefined;
  return { session: session.name, paneDead: !supervisorRunning };
}

/** recordedPane with the supervisor looked up in /proc: no tmux command, no process started. */
export function settledPane(session: SessionRow, run: RunRow): StatusJson["tmux"] | undefined {
  const running = run.runnerPid !== null && isRunning(run.runnerPid, run.runnerStart);
  return recordedPane(session, run, running);
}
