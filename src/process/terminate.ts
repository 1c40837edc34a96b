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
  signal(-leaderPid, "SIGTERM");
  signal(-leaderPid, "SIGCONT"); // a stopped agent cannot act on TERM
  const deadline = Date.now() + graceMs;
  for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
    if (!isRunning(leaderPid, leaderStart)) return true;
    await new Promise((r) => setTimeout(r, delay));
  }
  signal(-leaderPid, "SIGKILL");
  // KILL is not instant: callers go on to start a replacement in the same
  // tree, so wait (briefly) until the leader has really stopped.
  const killDeadline = Date.now() + 2_000;
  while (isRunning(leaderPid, leaderStart) && Date.now() < killDeadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
