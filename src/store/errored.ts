import type { Store } from "./store.js";

/**
 * A session that failed CRASH_LIMIT times in CRASH_WINDOW_MS is `errored`:
 * the monitor stops restarting it until a person runs `agentmux restart`.
 * It is a property of the session, not of a run, so it lives in store meta
 * (`errored:<sessionId>`) as JSON. Clearing keeps the record with the time of
 * the manual restart: failures before it are forgiven (monitor/policy/restart.ts
 * failuresSince), so the next crash does not re-trip the old window at once.
 */

export interface ErroredRecord {
  errored: boolean;
  /** When it was marked errored (or, once cleared, when it last was). */
  since: string | null;
  reason: string | null;
  /** When `agentmux restart` cleared it. */
  clearedAt: string | null;
}

const key = (sessionId: number): string => `errored:${sessionId}`;

const NONE: ErroredRecord = { errored: false, since: null, reason: null, clearedAt: null };

export function erroredRecord(store: Store, sessionId: number): ErroredRecord {
  const raw = store.getMeta(key(sessionId));
  if (raw === null) return NONE;
  try {
    const v = JSON.parse(raw) as Partial<ErroredRecord>;
    return {
      errored: v.errored === true,
      since: typeof v.since === "string" ? v.since : null,
      reason: typeof v.reason === "string" ? v.reason : null,
      clearedAt: typeof v.clearedAt === "string" ? v.clearedAt : null,
    };
  } catch {
    // Written only by this module; unreadable means a hand edit. Treat as errored:
    // not restarting is the safe side, and `agentmux restart` rewrites it.
    return { errored: true, since: null, reason: "unreadable errored record", clearedAt: null };
  }
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
    store.setMeta(key(sessionId), JSON.stringify(next));
    return true;
  });
}

/** `agentmux restart`: resume restarts; failures before now no longer count. True when it was errored. */
export function clearErrored(store: Store, sessionId: number, now = new Date()): boolean {
  return store.transaction(() => {
    const current = erroredRecord(store, sessionId);
    const next: ErroredRecord = { ...current, errored: false, clearedAt: now.toISOString() };
    store.setMeta(key(sessionId), JSON.stringify(next));
    return current.errored;
  });
}
