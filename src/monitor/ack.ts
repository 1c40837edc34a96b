import type { Store } from "../store/store.js";

/**
 * `agentmux ack NAME`: a person (or assistant) has seen how the session's
 * latest run ended. `heartbeat` still lists it but no longer exits 1 for it,
 * so one old failure does not keep a cron job or an assistant alarmed
 * forever. Acknowledgement is per run (the store's run_acks): the next
 * failure needs attention again.
 */
export function ackRun(store: Store, runId: number, now = new Date()): void {
  store.ackRun(runId, now.toISOString());
}

export function isAcked(store: Store, runId: number): boolean {
  return store.isAcked(runId);
}
