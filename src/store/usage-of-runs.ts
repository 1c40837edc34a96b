import type { UsageJson } from "../usage/types.js";
import type { Sql } from "./sql.js";
import { toUsage } from "./usage.js";

/** Many runs' reports in two queries (not two per run: `ls` stays fast with hundreds). */
export interface RunsUsage {
  /** A plain run's own report, by run id (absent: none recorded). */
  plain: Map<number, UsageJson>;
  /** A loop run's finished iterations' reports in order, by run id (null where none was recorded). */
  iterations: Map<number, (UsageJson | null)[]>;
}

export function usageOfRuns(sql: Sql, plainRunIds: number[], loopRunIds: number[]): RunsUsage {
  const result: RunsUsage = { plain: new Map(), iterations: new Map() };
  if (plainRunIds.length > 0) {
    const rows = sql
      .stmt(
        `SELECT * FROM usage WHERE iteration_id IS NULL
         AND run_id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(plainRunIds));
    for (const r of rows) result.plain.set(r.run_id as number, toUsage(r));
  }
  if (loopRunIds.length > 0) {
    // As iterationUsage: finished iterations only, a missing report kept as null.
    const rows = sql
      .stmt(
        `SELECT i.run_id AS it_run, u.* FROM iterations i
         LEFT JOIN usage u ON u.iteration_id = i.id
         WHERE i.outcome != 'running' AND i.run_id IN (SELECT value FROM json_each(?))
         ORDER BY i.id`,
      )
      .all(JSON.stringify(loopRunIds));
    for (const r of rows) {
      const runId = r.it_run as number;
      const parts = result.iterations.get(runId) ?? [];
      parts.push(r.id === null || r.id === undefined ? null : toUsage(r));
      result.iterations.set(runId, parts);
    }
  }
  return result;
}
