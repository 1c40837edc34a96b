import type { Store } from "../store/store.js";

// What ls and status read about stalls, without the sampling (stall-check.ts):
// they must not load git, tmux or the notification planner for it.

/**
 * Since when the run has been stalled, as the monitor last saw it, or null:
 * a stall was recorded and no progress was sampled after it (for ls/status,
 * which read it without sampling anything themselves).
 */
export function stalledSince(store: Store, runId: number): string | null {
  const since = store.stallSince(runId);
  if (since === null) return null;
  return stallStands(since, store.stallSample(runId)?.progressAt ?? null);
}

/** The recorded stall still stands: no progress was sampled after it. */
export function stallStands(since: string, progressAt: number | null): string | null {
  return progressAt !== null && progressAt > Date.parse(since) ? null : since;
}

/** Was this run stopped as stalled (recorded by the monitor before it killed it)? */
export function wasStalled(store: Store, runId: number): boolean {
  return store.stallSince(runId) !== null;
}
