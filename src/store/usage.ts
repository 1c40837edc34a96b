import type { CostBasis, UsageJson } from "../usage/types.js";
import { nowIso, type Row, type Sql } from "./sql.js";

/** Usage rows: one per plain run (iterationId null), one per loop iteration. */
export interface NewUsage {
  runId: number;
  sessionId: number;
  iterationId: number | null;
  usage: UsageJson & { source: "codex" | "claude" };
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

export function toUsage(r: Row): UsageJson {
  return {
    input: num(r.input),
    cachedInput: num(r.cached_input),
    cacheCreation: num(r.cache_creation),
    output: num(r.output),
    reasoning: num(r.reasoning),
    model: typeof r.model === "string" ? r.model : null,
    cost: { usd: num(r.cost_usd), basis: r.cost_basis as CostBasis },
    source: r.source as "codex" | "claude",
  };
}

/** Record (or replace: a finisher that runs twice must not count twice) one report. */
export function recordUsage(sql: Sql, u: NewUsage): void {
  const where =
    u.iterationId === null
      ? "run_id = ? AND iteration_id IS NULL"
      : "iteration_id = ? AND iteration_id IS NOT NULL";
  sql.immediate(() => {
    sql.stmt(`DELETE FROM usage WHERE ${where}`).run(u.iterationId ?? u.runId);
    sql
      .stmt(
        `INSERT INTO usage (run_id, iteration_id, session_id, source, model, input, cached_input,
           cache_creation, output, reasoning, cost_usd, cost_basis, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        u.runId,
        u.iterationId,
        u.sessionId,
        u.usage.source,
        u.usage.model,
        u.usage.input,
        u.usage.cachedInput,
        u.usage.cacheCreation,
        u.usage.output,
        u.usage.reasoning,
        u.usage.cost.usd,
        u.usage.cost.basis,
        nowIso(),
      );
  });
}

/** A plain run's own report (null: none recorded). */
export function runUsage(sql: Sql, runId: number): UsageJson | null {
  const row = sql.stmt("SELECT * FROM usage WHERE run_id = ? AND iteration_id IS NULL").get(runId);
  return row ? toUsage(row) : null;
}

/** A loop session's iterations with their reports (null where none was recorded). */
export function iterationUsage(
  sql: Sql,
  sessionId: number,
): { runId: number; itemKey: string; usage: UsageJson | null }[] {
  return sql
    .stmt(
      `SELECT i.run_id AS it_run, i.item_key, u.* FROM iterations i
       LEFT JOIN usage u ON u.iteration_id = i.id
       WHERE i.session_id = ? AND i.outcome != 'running' ORDER BY i.id`,
    )
    .all(sessionId)
    .map((r) => ({
      runId: r.it_run as number,
      itemKey: r.item_key as string,
      usage: r.id === null || r.id === undefined ? null : toUsage(r),
    }));
}

/** One finished invocation (a plain run, or a loop iteration) and its report, for `agentmux usage`. */
export interface UsageEntry {
  session: string;
  agent: string;
  endedAt: string;
  usage: UsageJson | null;
}

/** Every invocation that ended at or after `since` (ISO time), with its report if any. */
export function usageSince(sql: Sql, since: string): UsageEntry[] {
  const runs = sql
    .stmt(
      `SELECT s.name AS s_name, s.agent AS s_agent, r.ended_at AS r_ended, u.* FROM runs r
       JOIN sessions s ON s.id = r.session_id
       LEFT JOIN usage u ON u.run_id = r.id AND u.iteration_id IS NULL
       WHERE s.kind = 'agent' AND r.ended_at IS NOT NULL AND r.ended_at >= ?`,
    )
    .all(since);
  const iterations = sql
    .stmt(
      `SELECT s.name AS s_name, s.agent AS s_agent, i.ended_at AS r_ended, u.* FROM iterations i
       JOIN sessions s ON s.id = i.session_id
       LEFT JOIN usage u ON u.iteration_id = i.id
       WHERE i.ended_at IS NOT NULL AND i.ended_at >= ?`,
    )
    .all(since);
  return [...runs, ...iterations]
    .map((r) => ({
      session: r.s_name as string,
      agent: r.s_agent as string,
      endedAt: r.r_ended as string,
      usage: r.id === null || r.id === undefined ? null : toUsage(r),
    }))
    .sort((a, b) => a.endedAt.localeCompare(b.endedAt));
}

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
