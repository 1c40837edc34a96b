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
