import { AgentmuxError } from "../util/errors.js";
import { toNotification, type NotificationRow } from "./rows.js";
import { nowIso, sqliteCode, type Sql } from "./sql.js";

/**
 * The notification outbox. Rows are written `pending` when a run settles,
 * claimed (pending -> sending) by whoever delivers them, then marked
 * delivered or failed. A claim is one UPDATE inside an IMMEDIATE
 * transaction, so two processes never claim the same row; a claimer that
 * crashed leaves a `sending` row that is re-claimed once its claim is older
 * than staleAfterMs (a crash can repeat a notification, never lose one).
 */

export interface NewNotification {
  channel: string;
  target: string;
  payload: unknown;
}

export interface ClaimOptions {
  /** Who is claiming, for the record (e.g. "pid:1234"). */
  claimer: string;
  /** A `sending` row claimed longer ago than this is taken over. */
  staleAfterMs: number;
  now?: Date | number;
  /** Only this run's rows; others stay pending for whoever delivers them. */
  runId?: number;
  limit?: number;
}

export function addNotifications(
  sql: Sql,
  runId: number,
  items: readonly NewNotification[],
): NotificationRow[] {
  const createdAt = nowIso();
  return sql.immediate(() =>
    items.map((item) => {
      try {
        const row = sql
          .stmt(
            `INSERT INTO notifications (run_id, channel, target, payload, state, created_at)
             VALUES (?, ?, ?, ?, 'pending', ?) RETURNING *`,
          )
          .get(runId, item.channel, item.target, JSON.stringify(item.payload ?? null), createdAt);
        return toNotification(row as Record<string, unknown>);
      } catch (e) {
        if (sqliteCode(e) === "SQLITE_CONSTRAINT_FOREIGNKEY") {
          throw new AgentmuxError("not-found", `No run with id ${runId}`, { cause: e });
        }
        throw e;
      }
    }),
  );
}

export function claimPending(sql: Sql, opts: ClaimOptions): NotificationRow[] {
  const now = opts.now === undefined ? Date.now() : new Date(opts.now).getTime();
  const claimedAt = new Date(now).toISOString();
  // ISO strings from toISOString() have one fixed width, so text order is time order.
  const staleBefore = new Date(now - opts.staleAfterMs).toISOString();
  const runId = opts.runId ?? null;
  const limit = opts.limit ?? -1; // SQLite: a negative LIMIT means none
  const rows = sql.immediate(() =>
    sql
      .stmt(
        `UPDATE notifications
         SET state = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM notifications
           WHERE ((state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))
                  OR (state = 'sending' AND claimed_at < ?))
             AND (? IS NULL OR run_id = ?)
           ORDER BY id LIMIT ?)
         RETURNING *`,
      )
      .all(opts.claimer, claimedAt, claimedAt, staleBefore, runId, runId, limit),
  );
  // RETURNING gives no order guarantee; deliver oldest first.
  return rows.map(toNotification).sort((a, b) => a.id - b.id);
}

/** Delivered wins over everything, including a stale re-claim by another process. */
export function markDelivered(sql: Sql, id: number): void {
  sql
    .stmt("UPDATE notifications SET state = 'delivered', delivered_at = ? WHERE id = ?")
    .run(nowIso(), id);
}

/**
 * A delivery attempt failed: back to pending, not to be tried before
 * `nextAttemptAt` (notify/retry.ts), or failed for good when final. Never
 * undoes a delivery made by a process that re-claimed the row meanwhile.
 */
export function markAttemptFailed(
  sql: Sql,
  id: number,
  error: string,
  opts: { final: boolean; nextAttemptAt?: string | null },
): void {
  sql
    .stmt(
      `UPDATE notifications SET state = ?, last_error = ?, next_attempt_at = ?,
         claimed_by = NULL, claimed_at = NULL
       WHERE id = ? AND state <> 'delivered'`,
    )
    .run(
      opts.final ? "failed" : "pending",
      error,
      opts.final ? null : (opts.nextAttemptAt ?? null),
      id,
    );
}

/**
 * `agentmux notify retry`: the session's failed notifications are pending
 * again, due now, with a fresh retry bound. Returns them.
 */
export function retryFailed(sql: Sql, sessionId: number, now: number): NotificationRow[] {
  return sql.immediate(() =>
    sql
      .stmt(
        `UPDATE notifications SET state = 'pending', next_attempt_at = NULL, retry_since = ?
         WHERE state = 'failed' AND run_id IN (SELECT id FROM runs WHERE session_id = ?)
         RETURNING *`,
      )
      .all(new Date(now).toISOString(), sessionId)
      .map(toNotification)
      .sort((a, b) => a.id - b.id),
  );
}

/**
 * A session's notifications worth showing: every one of its latest run, and
 * any of an earlier run that was not delivered (a failure survives a restart).
 */
export function sessionNotifications(sql: Sql, sessionId: number): NotificationRow[] {
  return sql
    .stmt(
      `SELECT n.* FROM notifications n JOIN runs r ON r.id = n.run_id
       WHERE r.session_id = ?
         AND (n.state <> 'delivered'
              OR r.run_no = (SELECT MAX(run_no) FROM runs WHERE session_id = ?))
       ORDER BY n.id`,
    )
    .all(sessionId, sessionId)
    .map(toNotification);
}

/** Notifications given up on (state failed), with their session's name: for ls and heartbeat. */
export function failedNotifications(
  sql: Sql,
): (NotificationRow & { sessionId: number; sessionName: string })[] {
  return sql
    .stmt(
      `SELECT n.*, s.id AS session_id, s.name AS session_name
       FROM notifications n JOIN runs r ON r.id = n.run_id JOIN sessions s ON s.id = r.session_id
       WHERE n.state = 'failed' AND s.removed_at IS NULL
       ORDER BY n.id`,
    )
    .all()
    .map((raw) => {
      const r = raw as Record<string, unknown>;
      return {
        ...toNotification(r),
        sessionId: r.session_id as number,
        sessionName: String(r.session_name),
      };
    });
}

/** Whether a notification is waiting for its first delivery (not one that failed and waits for a retry). */
export function hasUnattempted(sql: Sql): boolean {
  return (
    sql
      .stmt("SELECT 1 FROM notifications WHERE state = 'pending' AND attempts = 0 LIMIT 1")
      .get() !== undefined
  );
}

export function listNotifications(sql: Sql, runId: number): NotificationRow[] {
  return sql
    .stmt("SELECT * FROM notifications WHERE run_id = ? ORDER BY id")
    .all(runId)
    .map(toNotification);
}
