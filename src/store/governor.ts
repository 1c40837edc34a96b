import type { Row, Sql } from "./sql.js";

/**
 * The launch governor's per-agent record (governor/governor.ts decides with
 * it) and the notification outbox's per-destination openings
 * (notify/coalesce.ts): migration 7.
 */
export interface GovernorRow {
  lastLaunchAt: string | null;
  /** Who launched last: its own next launch is not spaced from it. */
  lastLaunchBy?: string | null;
  pausedUntil: string | null;
  pauseReason: string | null;
}

const toGovernor = (r: Row): GovernorRow => ({
  lastLaunchAt: (r.last_launch_at as string | null) ?? null,
  lastLaunchBy: (r.last_launch_by as string | null) ?? null,
  pausedUntil: (r.paused_until as string | null) ?? null,
  pauseReason: (r.pause_reason as string | null) ?? null,
});

export function getGovernor(sql: Sql, agent: string): GovernorRow | null {
  const r = sql.stmt("SELECT * FROM governor WHERE agent = ?").get(agent);
  return r ? toGovernor(r) : null;
}

/** Every agent's record: one query for ls. */
export function listGovernors(sql: Sql): Map<string, GovernorRow> {
  return new Map(
    sql
      .stmt("SELECT * FROM governor")
      .all()
      .map((r) => [r.agent as string, toGovernor(r)]),
  );
}

export function putGovernor(sql: Sql, agent: string, g: GovernorRow): void {
  sql
    .stmt(
      `INSERT INTO governor (agent, last_launch_at, last_launch_by, paused_until, pause_reason) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (agent) DO UPDATE SET last_launch_at = excluded.last_launch_at,
         last_launch_by = excluded.last_launch_by, paused_until = excluded.paused_until,
         pause_reason = excluded.pause_reason`,
    )
    .run(agent, g.lastLaunchAt, g.lastLaunchBy ?? null, g.pausedUntil, g.pauseReason);
}

/** When each destination (by its key's hash) may get its next message. */
export function destinationOpenings(sql: Sql): Map<string, string> {
  return new Map(
    sql
      .stmt("SELECT key_hash, opens_at FROM notify_destinations")
      .all()
      .map((r) => [r.key_hash as string, r.opens_at as string]),
  );
}

/** Record these openings, and drop those that opened before `pruneBefore` (ISO). */
export function setDestinationOpenings(
  sql: Sql,
  openings: ReadonlyMap<string, string>,
  pruneBefore: string,
): void {
  const put = sql.stmt(
    "INSERT INTO notify_destinations (key_hash, opens_at) VALUES (?, ?) ON CONFLICT (key_hash) DO UPDATE SET opens_at = excluded.opens_at",
  );
  for (const [hash, at] of openings) put.run(hash, at);
  sql.stmt("DELETE FROM notify_destinations WHERE opens_at < ?").run(pruneBefore);
}
