import { toNotification, type NotificationRow } from "./rows.js";
import type { Sql } from "./sql.js";

/**
 * The outbox read and claimed in batches, for coalescing (notify/coalesce.ts):
 * every open row is looked at, then a chosen set is claimed in the same
 * IMMEDIATE transaction (the caller's), so two deliverers never both take a
 * destination's rows. "Open" = pending, or sending with a stale claim (its
 * claimer crashed), as in notifications.ts claimPending.
 */

export function openNotifications(sql: Sql, now: number, staleAfterMs: number): NotificationRow[] {
  const staleBefore = new Date(now - staleAfterMs).toISOString();
  return sql
    .stmt(
      `SELECT * FROM notifications
       WHERE state = 'pending' OR (state = 'sending' AND claimed_at < ?)
       ORDER BY id`,
    )
    .all(staleBefore)
    .map(toNotification);
}

/** Claim exactly these rows (those still open); returns the ones claimed, oldest first. */
export function claimNotifications(
  sql: Sql,
  ids: readonly number[],
  claimer: string,
  now: number,
  staleAfterMs: number,
): NotificationRow[] {
  if (ids.length === 0) return [];
  const claimedAt = new Date(now).toISOString();
  const staleBefore = new Date(now - staleAfterMs).toISOString();
  return sql
    .stmt(
      `UPDATE notifications
       SET state = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1
       WHERE id IN (SELECT value FROM json_each(?))
         AND (state = 'pending' OR (state = 'sending' AND claimed_at < ?))
       RETURNING *`,
    )
    .all(claimer, claimedAt, JSON.stringify(ids), staleBefore)
    .map(toNotification)
    .sort((a, b) => a.id - b.id);
}
