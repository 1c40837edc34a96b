import { terminateThenKill, until } from "./escalate.js";
import { isRunning, signal } from "./pids.js";

/**
 * End a process group that may have outlived its supervisor (an orphaned
 * agent): TERM, a grace period, then KILL. The leader is identified by pid
 * AND start time, so a recycled pid is never signalled. Returns whether
 * anything was still running. A zombie counts as ended: its parent (often
 * PID 1 in a container) reaps it when it gets to it, and it can do no harm.
 */
export async function terminateGroup(
  leaderPid: number,
  leaderStart: string | null,
  graceMs: number,
): Promise<boolean> {
  if (!isRunning(leaderPid, leaderStart)) return false;
  const gone = (): boolean => !isRunning(leaderPid, leaderStart);
  // KILL is not instant: callers go on to start a replacement in the same
  // tree, so after KILL wait (briefly, 2 s) until the leader has really stopped.
  const stopped = until(gone, graceMs + 2_000);
  // Each signal re-checks pid and start time: the leader may have gone and its pid been reused.
  const send = (sig: NodeJS.Signals): void => {
    if (!gone()) signal(-leaderPid, sig);
  };
  const how = await terminateThenKill(send, stopped, graceMs);
  if (how === "killed") await stopped;
  return true;
}
