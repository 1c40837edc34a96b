import type { Store } from "../store/store.js";

/**
 * `agentmux ack NAME`: a person (or assistant) has seen how the session's
 * latest run ended. `heartbeat` still lists it but no longer exits 1 for it,
 * so one old failure does not keep a cron job or an assistant alarmed
 * forever. Acknowledgement is per run: the next failure needs attention again.
 */
const key = (sessionId: number): string => `ack:${sessionId}`;

export function ackRun(store: Store, sessionId: number, runId: number, now = new Date()): void {
  store.setMeta(key(sessionId), JSON.stringify({ runId, at: now.toISOString() }));
}

export function isAcked(store: Store, sessionId: number, runId: number): boolean {
  const raw = store.getMeta(key(sessionId));
  if (raw === null) return false;
  try {
    return (JSON.parse(raw) as { runId?: unknown }).runId === runId;
  } catch {
    return false; // written only here; unreadable means not acknowledged
  }
}
