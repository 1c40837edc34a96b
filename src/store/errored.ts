import type { ErroredRow, Store } from "./store.js";

/**
 * A session that failed CRASH_LIMIT times in CRASH_WINDOW_MS is `errored`:
 * the monitor stops restarting it until a person runs `agentmux restart`.
 * It is a property of the session, not of a run, so it lives in the store's
 * session_errored table. Clearing keeps the record with the time of
 * the manual restart: failures before it are forgiven (monitor/policy/restart.ts
 * failuresSince), so the next crash does not re-trip the old window at once.
 */

/**
 * errored; since: when it was marked errored (or, once cleared, when it last
 * was); clearedAt: when `agentmux restart` cleared it.
 */
export type ErroredRecord = ErroredRow;

const NONE: ErroredRecord = { errored: false, since: null, reason: null, clearedAt: null };

export function erroredRecord(store: Store, sessionId: number): ErroredRecord {
  return store.errored(sessionId) ?? NONE;
}

export function isErrored(store: Store, sessionId: number): boolean {
  return erroredRecord(store, sessionId).errored;
}

/**
 * Mark the session errored. True only for the call that made the change, so
 * of two monitors racing, exactly one sends the "errored" notification.
 */
export function markErrored(
  store: Store,
  sessionId: number,
  reason: string,
  now = new Date(),
): boolean {
  return store.transaction(() => {
    const current = erroredRecord(store, sessionId);
    if (current.errored) return false;
    const next: ErroredRecord = { ...current, errored: true, since: now.toISOString(), reason };
    store.putErrored(sessionId, next);
    return true;
  });
}

/** `agentmux restart`: resume restarts; failures before now no longer count. True when it was errored. */
export function clearErrored(store: Store, sessionId: number, now = new Date()): boolean {
  return store.transaction(() => {
    const current = erroredRecord(store, sessionId);
    const next: ErroredRecord = { ...current, errored: false, clearedAt: now.toISOString() };
    store.putErrored(sessionId, next);
    return current.errored;
  });
}
