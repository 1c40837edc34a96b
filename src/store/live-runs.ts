import { toRun, type RunRow } from "./rows.js";
import type { Sql } from "./sql.js";

/**
 * The live runs. SQLite uses the partial index runs_live (migration 9) only
 * for a term that matches its condition as written, so every query that
 * looks for live runs includes this one, verbatim; the history of settled
 * runs is then never read (store/live-runs.test.ts checks the plans).
 */
export const LIVE_RUN = `state IN ('starting', 'running')`;

/** Runs of one agent that are starting or running, for the launch governor (governor/governor.ts). */
export function liveRunsOfAgent(sql: Sql, agent: string): RunRow[] {
  return sql
    .stmt(
      `SELECT r.* FROM runs r JOIN sessions s ON s.id = r.session_id
       WHERE s.agent = ? AND r.${LIVE_RUN} ORDER BY r.id`,
    )
    .all(agent)
    .map(toRun);
}

/** Whether any run is starting or running (one row at most is read). */
export function hasLiveRuns(sql: Sql): boolean {
  return sql.stmt(`SELECT 1 FROM runs WHERE ${LIVE_RUN} LIMIT 1`).get() !== undefined;
}
