import { isAlive, signal } from "./pids.js";

/**
 * End a process group that may have outlived its supervisor (an orphaned
 * agent): TERM, a grace period, then KILL. The leader is identified by pid
 * AND start time, so a recycled pid is never signalled. Returns whether
 * anything was still running.
 */
export async function terminateGroup(
  leaderPid: number,
  leaderStart: string | null,
  graceMs: number,
): Promise<boolean> {
  if (!isAlive(leaderPid, leaderStart)) return false;
  signal(-leaderPid, "SIGTERM");
  signal(-leaderPid, "SIGCONT"); // a stopped agent cannot act on TERM
  const deadline = Date.now() + graceMs;
  for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
    if (!isAlive(leaderPid, leaderStart)) return true;
    await new Promise((r) => setTimeout(r, delay));
  }
  signal(-leaderPid, "SIGKILL");
  return true;
}
