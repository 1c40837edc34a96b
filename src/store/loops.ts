import { AgentmuxError } from "../util/errors.js";
import { nowIso, type Row, type Sql } from "./sql.js";

/**
 * Loop items and iterations (migration 2). Items are keyed by (session,
 * checklist key) so every run of a loop session sees the same record: a
 * restart resumes instead of starting over. An iteration is settled exactly
 * once: finishIteration only writes a row whose outcome is still 'running',
 * and updates the item's attempts in the same transaction.
 */

export const ITEM_STATES = [
  "pending",
  "running",
  "done",
  "failed",
  "unverified",
  "conflict",
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export const ITERATION_OUTCOMES = [
  "running",
  "done",
  "failed",
  "unverified",
  "no-progress",
  "timeout",
  "conflict",
  "rate-limited",
  "auth",
  "interrupted",
  // The check's files or its script were changed, or its test count fell sharply.
  "tampered",
  // HEAD no longer descends from the iteration's start (reset, rebase, amend), or left the branch.
  "history-rewritten",
] as const;
export type IterationOutcome = (typeof ITERATION_OUTCOMES)[number];

export interface LoopItemRow {
  sessionId: number;
  key: string;
  text: string;
  index: number;
  present: boolean;
  state: ItemState;
  attempts: number;
  commits: number;
  checkPassed: boolean | null;
  reason: string | null;
  branch: string | null;
  updatedAt: string;
}

export interface IterationRow {
  id: number;
  runId: number;
  sessionId: number;
  itemKey: string;
  itemText: string;
  itemIndex: number;
  attempt: number;
  startedAt: string;
  endedAt: string | null;
  startCommit: string | null;
  endCommit: string | null;
  agentPid: number | null;
  agentStart: string | null;
  exitCode: number | null;
  signal: string | null;
  outcome: IterationOutcome;
  counted: boolean;
  reason: string | null;
  evidence: unknown;
  check: unknown;
  durationMs: number | null;
  worktree: string | null;
}

/** One PRD item as the driver last read it. */
export interface SeenItem {
  key: string;
  text: string;
  index: number;
  checked: boolean;
}

const json = (v: unknown): unknown => {
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch (e) {
    throw new AgentmuxError("store", "An iteration's evidence is not valid JSON", {
      hint: "the database was edited by hand or damaged",
      cause: e,
    });
  }
};

function toItem(r: Row): LoopItemRow {
  return {
    sessionId: r.session_id as number,
    key: r.key as string,
    text: r.text as string,
    index: r.item_index as number,
    present: r.present === 1,
    state: r.state as ItemState,
    attempts: r.attempts as number,
    commits: r.commits as number,
    checkPassed: r.check_passed === null ? null : r.check_passed === 1,
    reason: (r.reason ?? null) as string | null,
    branch: (r.branch ?? null) as string | null,
    updatedAt: r.updated_at as string,
  };
}

function toIteration(r: Row): IterationRow {
  return {
    id: r.id as number,
    runId: r.run_id as number,
    sessionId: r.session_id as number,
    itemKey: r.item_key as string,
    itemText: r.item_text as string,
    itemIndex: r.item_index as number,
    attempt: r.attempt as number,
    startedAt: r.started_at as string,
    endedAt: (r.ended_at ?? null) as string | null,
    startCommit: (r.start_commit ?? null) as string | null,
    endCommit: (r.end_commit ?? null) as string | null,
    agentPid: (r.agent_pid ?? null) as number | null,
    agentStart: (r.agent_start ?? null) as string | null,
    exitCode: (r.exit_code ?? null) as number | null,
    signal: (r.signal ?? null) as string | null,
    outcome: r.outcome as IterationOutcome,
    counted: r.counted === 1,
    reason: (r.reason ?? null) as string | null,
    evidence: json(r.evidence),
    check: json(r.check_result),
    durationMs: (r.duration_ms ?? null) as number | null,
    worktree: (r.worktree ?? null) as string | null,
  };
}

/**
 * Record the PRD's items: new keys are inserted (already checked: done, "checked
 * in the PRD outside the loop"), known keys get their current text and position,
 * keys no longer in the PRD are marked absent. A known item's state is never
 * changed here: the store, not the checkbox, says what the loop verified.
 */
export function syncLoopItems(sql: Sql, sessionId: number, seen: readonly SeenItem[]): void {
  sql.immediate(() => {
    const now = nowIso();
    sql.stmt("UPDATE loop_items SET present = 0 WHERE session_id = ?").run(sessionId);
    const upsert = sql.stmt(
      `INSERT INTO loop_items (session_id, key, text, item_index, present, state, reason, updated_at)
       VALUES (?, ?, ?, ?, 1, ?, ?, ?)
       ON CONFLICT (session_id, key) DO UPDATE SET text = excluded.text,
         item_index = excluded.item_index, present = 1`,
    );
    for (const item of seen) {
      upsert.run(
        sessionId,
        item.key,
        item.text,
        item.index,
        item.checked ? "done" : "pending",
        item.checked ? "checked in the PRD before the loop worked on it" : null,
        now,
      );
    }
  });
}

export function listLoopItems(
  sql: Sql,
  sessionId: number,
  opts: { includeAbsent?: boolean } = {},
): LoopItemRow[] {
  const where = opts.includeAbsent ? "" : " AND present = 1";
  return sql
    .stmt(`SELECT * FROM loop_items WHERE session_id = ?${where} ORDER BY item_index, key`)
    .all(sessionId)
    .map(toItem);
}

export interface ItemPatch {
  state?: ItemState;
  commits?: number;
  checkPassed?: boolean | null;
  reason?: string | null;
  branch?: string | null;
}

export function updateLoopItem(sql: Sql, sessionId: number, key: string, patch: ItemPatch): void {
  const sets: string[] = ["updated_at = ?"];
  const values: unknown[] = [nowIso()];
  const set = (column: string, value: unknown): void => {
    sets.push(`${column} = ?`);
    values.push(value);
  };
  if (patch.state !== undefined) set("state", patch.state);
  if (patch.commits !== undefined) set("commits", patch.commits);
  if (patch.checkPassed !== undefined) {
    set("check_passed", patch.checkPassed === null ? null : patch.checkPassed ? 1 : 0);
  }
  if (patch.reason !== undefined) set("reason", patch.reason);
  if (patch.branch !== undefined) set("branch", patch.branch);
  sql
    .stmt(`UPDATE loop_items SET ${sets.join(", ")} WHERE session_id = ? AND key = ?`)
    .run(...values, sessionId, key);
}

export interface NewIteration {
  runId: number;
  sessionId: number;
  itemKey: string;
  itemText: string;
  itemIndex: number;
  startCommit: string | null;
  worktree?: string;
}

/** Insert a running iteration and mark its item running, atomically. Its attempt number is the item's next. */
export function startIteration(sql: Sql, input: NewIteration): IterationRow {
  return sql.immediate(() => {
    const item = sql
      .stmt("SELECT attempts FROM loop_items WHERE session_id = ? AND key = ?")
      .get(input.sessionId, input.itemKey);
    if (!item) {
      throw new AgentmuxError("internal", `No loop item ${JSON.stringify(input.itemKey)}`);
    }
    const row = sql
      .stmt(
        `INSERT INTO iterations (run_id, session_id, item_key, item_text, item_index, attempt,
           started_at, start_commit, outcome, worktree)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?) RETURNING *`,
      )
      .get(
        input.runId,
        input.sessionId,
        input.itemKey,
        input.itemText,
        input.itemIndex,
        (item.attempts as number) + 1,
        nowIso(),
        input.startCommit,
        input.worktree ?? null,
      );
    updateLoopItem(sql, input.sessionId, input.itemKey, { state: "running" });
    return toIteration(row as Row);
  });
}

export function setIterationAgent(sql: Sql, id: number, pid: number, start: string | null): void {
  sql.stmt("UPDATE iterations SET agent_pid = ?, agent_start = ? WHERE id = ?").run(pid, start, id);
}

export interface IterationResult {
  outcome: Exclude<IterationOutcome, "running">;
  /** Whether this iteration used one of the item's attempts. */
  counted: boolean;
  reason: string | null;
  endCommit: string | null;
  exitCode: number | null;
  signal: string | null;
  evidence: unknown;
  check: unknown;
}

/**
 * Settle a running iteration and its item in one transaction. Returns false
 * (and writes nothing) when the iteration was settled already: a resumed
 * driver and a dying one can never both count it.
 */
export function finishIteration(
  sql: Sql,
  id: number,
  result: IterationResult,
  item: ItemPatch,
): boolean {
  return sql.immediate(() => {
    const now = nowIso();
    const row = sql
      .stmt(
        `UPDATE iterations SET outcome = ?, counted = ?, reason = ?, end_commit = ?, exit_code = ?,
           signal = ?, evidence = ?, check_result = ?, ended_at = ?,
           duration_ms = CAST((julianday(?) - julianday(started_at)) * 86400000 AS INTEGER)
         WHERE id = ? AND outcome = 'running' RETURNING session_id, item_key`,
      )
      .get(
        result.outcome,
        result.counted ? 1 : 0,
        result.reason,
        result.endCommit,
        result.exitCode,
        result.signal,
        result.evidence === null ? null : JSON.stringify(result.evidence),
        result.check === null ? null : JSON.stringify(result.check),
        now,
        now,
        id,
      );
    if (!row) return false;
    if (result.counted) {
      sql
        .stmt("UPDATE loop_items SET attempts = attempts + 1 WHERE session_id = ? AND key = ?")
        .run(row.session_id, row.item_key);
    }
    updateLoopItem(sql, row.session_id as number, row.item_key as string, item);
    return true;
  });
}

export function getIteration(sql: Sql, id: number): IterationRow | null {
  const row = sql.stmt("SELECT * FROM iterations WHERE id = ?").get(id);
  return row ? toIteration(row) : null;
}

/** Iterations of a session still marked running (their driver may have died). */
export function runningIterations(sql: Sql, sessionId: number): IterationRow[] {
  return sql
    .stmt("SELECT * FROM iterations WHERE session_id = ? AND outcome = 'running' ORDER BY id")
    .all(sessionId)
    .map(toIteration);
}

export function listIterations(sql: Sql, sessionId: number): IterationRow[] {
  return sql
    .stmt("SELECT * FROM iterations WHERE session_id = ? ORDER BY id")
    .all(sessionId)
    .map(toIteration);
}

export function countIterations(sql: Sql, where: { sessionId?: number; runId?: number }): number {
  const row =
    where.runId !== undefined
      ? sql.stmt("SELECT COUNT(*) AS n FROM iterations WHERE run_id = ?").get(where.runId)
      : sql.stmt("SELECT COUNT(*) AS n FROM iterations WHERE session_id = ?").get(where.sessionId);
  return (row?.n as number | undefined) ?? 0;
}

/** Every present item's state and attempts, of all loops at once: `ls` counts them in one query. */
export function loopItemStates(
  sql: Sql,
): { sessionId: number; state: ItemState; attempts: number }[] {
  return sql
    .stmt("SELECT session_id, state, attempts FROM loop_items WHERE present = 1")
    .all()
    .map((r) => ({
      sessionId: r.session_id as number,
      state: r.state as ItemState,
      attempts: r.attempts as number,
    }));
}
