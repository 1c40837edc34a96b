import { LIVE_RUN } from "./live-runs.js";
import type { Row, Sql } from "./sql.js";

/**
 * What the monitor records beside the runs: stall samples and stalls, restart
 * claims, errored sessions, acknowledgements and watch's own heartbeat
 * (migration 7). The decisions live in monitor/; these are the rows.
 */

/** The monitor's last look at a running run (monitor/stall.ts decides with it). */
export interface StallSampleRow {
  at: number;
  logMtimeMs: number | null;
  screenHash: string | null;
  cpuTicks: number | null;
  treeHash: string | null;
  /** When progress was last seen; the first sample's time if never. */
  progressAt: number;
}

/** A session's errored mark (monitor/policy/errored.ts). */
export interface ErroredRow {
  errored: boolean;
  since: string | null;
  reason: string | null;
  clearedAt: string | null;
}

/** `agentmux watch`'s heartbeat (monitor/record.ts). */
export interface BeatRow {
  pid: number;
  ticks: string | null;
  startedAt: string;
  at: string;
  intervalMs: number;
  stopped: boolean;
}

/** A recorded stall and the progress the monitor sampled last (ls and status read both). */
export interface StallRow {
  runId: number;
  since: string;
  progressAt: number | null;
}

export function getStallSample(sql: Sql, runId: number): StallSampleRow | null {
  const r = sql.stmt("SELECT * FROM stall_samples WHERE run_id = ?").get(runId);
  if (!r) return null;
  return {
    at: r.at as number,
    logMtimeMs: (r.log_mtime_ms as number | null) ?? null,
    screenHash: (r.screen_hash as string | null) ?? null,
    cpuTicks: (r.cpu_ticks as number | null) ?? null,
    treeHash: (r.tree_hash as string | null) ?? null,
    progressAt: r.progress_at as number,
  };
}

export function putStallSample(sql: Sql, runId: number, s: StallSampleRow): void {
  sql
    .stmt(
      `INSERT INTO stall_samples (run_id, at, log_mtime_ms, screen_hash, cpu_ticks, tree_hash, progress_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET at = excluded.at, log_mtime_ms = excluded.log_mtime_ms,
         screen_hash = excluded.screen_hash, cpu_ticks = excluded.cpu_ticks,
         tree_hash = excluded.tree_hash, progress_at = excluded.progress_at`,
    )
    .run(runId, s.at, s.logMtimeMs, s.screenHash, s.cpuTicks, s.treeHash, s.progressAt);
}

/** When the run was recorded stalled, or null. */
export function stallSince(sql: Sql, runId: number): string | null {
  const r = sql.stmt("SELECT since FROM stalls WHERE run_id = ?").get(runId);
  return r ? (r.since as string) : null;
}

/** Record the stall; true only for the call that recorded it (so exactly one notifies). */
export function claimStall(sql: Sql, runId: number, since: string): boolean {
  return (
    sql
      .stmt("INSERT INTO stalls (run_id, since) VALUES (?, ?) ON CONFLICT (run_id) DO NOTHING")
      .run(runId, since).changes === 1
  );
}

/** Every recorded stall of a run still running, with its last sampled progress: one query for ls. */
export function runningStalls(sql: Sql): StallRow[] {
  return sql
    .stmt(
      // Only a running run stalls; the live-run term lets SQLite start from
      // the live runs (runs_live) instead of reading every run ever made.
      `SELECT st.run_id, st.since, sa.progress_at FROM runs r
       JOIN stalls st ON st.run_id = r.id
       LEFT JOIN stall_samples sa ON sa.run_id = r.id
       WHERE r.${LIVE_RUN} AND r.state = 'running'`,
    )
    .all()
    .map((r: Row) => ({
      runId: r.run_id as number,
      since: r.since as string,
      progressAt: (r.progress_at as number | null) ?? null,
    }));
}

export function restartClaimed(sql: Sql, runId: number): boolean {
  return sql.stmt("SELECT 1 FROM restart_claims WHERE run_id = ?").get(runId) !== undefined;
}

/** True only for the call that took the claim. */
export function claimRestart(sql: Sql, runId: number, at: string): boolean {
  return (
    sql
      .stmt(
        "INSERT INTO restart_claims (run_id, claimed_at) VALUES (?, ?) ON CONFLICT (run_id) DO NOTHING",
      )
      .run(runId, at).changes === 1
  );
}

export function releaseRestart(sql: Sql, runId: number): void {
  sql.stmt("DELETE FROM restart_claims WHERE run_id = ?").run(runId);
}

export function getErrored(sql: Sql, sessionId: number): ErroredRow | null {
  const r = sql.stmt("SELECT * FROM session_errored WHERE session_id = ?").get(sessionId);
  if (!r) return null;
  return {
    errored: r.errored === 1,
    since: (r.since as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    clearedAt: (r.cleared_at as string | null) ?? null,
  };
}

export function putErrored(sql: Sql, sessionId: number, e: ErroredRow): void {
  sql
    .stmt(
      `INSERT INTO session_errored (session_id, errored, since, reason, cleared_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET errored = excluded.errored, since = excluded.since,
         reason = excluded.reason, cleared_at = excluded.cleared_at`,
    )
    .run(sessionId, e.errored ? 1 : 0, e.since, e.reason, e.clearedAt);
}

/** Ids of the sessions marked errored now: one query for ls. */
export function erroredSessionIds(sql: Sql): Set<number> {
  const ids = sql.stmt("SELECT session_id FROM session_errored WHERE errored = 1").raw(true).all();
  return new Set(ids.map((r) => (r as unknown as [number])[0]));
}

export function ackRun(sql: Sql, runId: number, at: string): void {
  sql
    .stmt(
      "INSERT INTO run_acks (run_id, acked_at) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET acked_at = excluded.acked_at",
    )
    .run(runId, at);
}

export function isAcked(sql: Sql, runId: number): boolean {
  return sql.stmt("SELECT 1 FROM run_acks WHERE run_id = ?").get(runId) !== undefined;
}

/** Of these runs, the acknowledged ones: one query for ls. */
export function ackedRunIds(sql: Sql): Set<number> {
  const ids = sql.stmt("SELECT run_id FROM run_acks").raw(true).all();
  return new Set(ids.map((r) => (r as unknown as [number])[0]));
}

export function getBeat(sql: Sql): BeatRow | null {
  const r = sql.stmt("SELECT * FROM monitor_beat WHERE id = 1").get();
  if (!r) return null;
  return {
    pid: r.pid as number,
    ticks: (r.ticks as string | null) ?? null,
    startedAt: r.started_at as string,
    at: r.at as string,
    intervalMs: r.interval_ms as number,
    stopped: r.stopped === 1,
  };
}

export function putBeat(sql: Sql, b: BeatRow): void {
  sql
    .stmt(
      `INSERT INTO monitor_beat (id, pid, ticks, started_at, at, interval_ms, stopped) VALUES (1, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, ticks = excluded.ticks,
         started_at = excluded.started_at, at = excluded.at, interval_ms = excluded.interval_ms,
         stopped = excluded.stopped`,
    )
    .run(b.pid, b.ticks, b.startedAt, b.at, b.intervalMs, b.stopped ? 1 : 0);
}
