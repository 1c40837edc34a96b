/**
 * How agentmux stops anything it started: SIGTERM (and SIGCONT, so a stopped
 * process can act on it), a grace period for it to flush and exit, then
 * SIGKILL. The one place that sequence is written; callers say how to send a
 * signal (to a pid, a process group, a child handle) and what "it ended" is.
 */
export type SendSignal = (sig: NodeJS.Signals) => unknown;

/**
 * TERM now, KILL once `graceMs` passes without `ended` settling. Resolves
 * "exited" when it ended within the grace period, else "killed" right after
 * KILL is sent (KILL is not instant: await `ended` when that matters).
 * The timer is unref'd: a pending KILL never keeps node alive by itself.
 */
export function terminateThenKill(
  send: SendSignal,
  ended: Promise<unknown>,
  graceMs: number,
): Promise<"exited" | "killed"> {
  send("SIGTERM");
  send("SIGCONT");
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      send("SIGKILL");
      resolve("killed");
    }, graceMs);
    timer.unref();
    void ended.then(
      () => {
        clearTimeout(timer);
        resolve("exited");
      },
      () => {
        clearTimeout(timer);
        resolve("exited");
      },
    );
  });
}

/** Settles once `gone()` is true or `maxMs` has passed, polling from 10 ms up to every 200 ms. */
export async function until(gone: () => boolean, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  for (let delay = 10; !gone() && Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
    await new Promise((r) => setTimeout(r, delay));
  }
}
