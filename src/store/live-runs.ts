import { toRun, type RunRow } from "./rows.js";
import type { Sql } from "./sql.js";

/**
 * Runs of one agent that are starting or running, for the launch governor
 * (governor/governor.ts). A few rows at most; the runs table has no
 * state index and needs none at this size.
 */
export function liveRunsOfAgent(sql: Sql, agent: string): RunRow[] {
  return sql
    .stmt(
      `SELECT r.* FROM runs r JOIN sessions s ON s.id = r.session_id
       WHERE s.agent = ? AND r.state IN ('starting', 'running') ORDER BY r.id`,
    )
    .all(agent)
    .map(toRun);
}

/** Whether any run is starting or running (one row at most is read). */
export function hasLiveRuns(sql: Sql): boolean {
  return (
    sql.stmt(`SELECT 1 FROM runs WHERE state IN ('starting', 'running') LIMIT 1`).get() !==
    undefined
  );
}
