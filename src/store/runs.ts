import { assertTransition, canTransition } from "../sessions/lifecycle.js";
import { RUN_STATES, TERMINAL_STATES, type RunState } from "../sessions/lifecycle.js";
import { AgentmuxError } from "../util/errors.js";
import { runPatchSql, toRun, type RunPatch, type RunRow } from "./rows.js";
import { sqliteCode, type Sql } from "./sql.js";

/** A new run: where it lives and when it started; any other field may be set at once. */
export type NewRun = Pick<RunRow, "state" | "runDir" | "logPath" | "startedAt"> & RunPatch;

function notFound(id: number): AgentmuxError {
  return new AgentmuxError("not-found", `No run with id ${id}`, {
    hint: "agentmux ls --all lists sessions and runs",
  });
}

/** Allocate run_no = previous max + 1 for the session, atomically with the insert. */
export function createRun(sql: Sql, sessionId: number, input: NewRun): RunRow {
  const { state, runDir, logPath, startedAt, ...rest } = input;
  return sql.immediate(() => {
    let inserted;
    try {
      inserted = sql
        .stmt(
          `INSERT INTO runs (session_id, run_no, state, run_dir, log_path, started_at)
           VALUES (?, (SELECT COALESCE(MAX(run_no), 0) + 1 FROM runs WHERE session_id = ?), ?, ?, ?, ?)
           RETURNING id`,
        )
        .get(sessionId, sessionId, state, runDir, logPath, startedAt);
    } catch (e) {
      if (sqliteCode(e) === "SQLITE_CONSTRAINT_FOREIGNKEY") {
        throw new AgentmuxError("not-found", `No session with id ${sessionId}`, { cause: e });
      }
      throw e;
    }
    return updateRun(sql, inserted?.id as number, rest);
  });
}

export function getRun(sql: Sql, id: number): RunRow | null {
  const row = sql.stmt("SELECT * FROM runs WHERE id = ?").get(id);
  return row ? toRun(row) : null;
}

export function latestRun(sql: Sql, sessionId: number): RunRow | null {
  const row = sql
    .stmt("SELECT * FROM runs WHERE session_id = ? ORDER BY run_no DESC LIMIT 1")
    .get(sessionId);
  return row ? toRun(row) : null;
}

export function listRuns(sql: Sql, sessionId: number): RunRow[] {
  return sql
    .stmt("SELECT * FROM runs WHERE session_id = ? ORDER BY run_no")
    .all(sessionId)
    .map(toRun);
}

/** Write fields other than state. An empty patch just reads the row. */
export function updateRun(sql: Sql, id: number, patch: RunPatch): RunRow {
  return write(sql, id, undefined, patch);
}

function write(sql: Sql, id: number, state: RunState | undefined, patch: RunPatch): RunRow {
  const { assignments, values } = runPatchSql(patch);
  if (state !== undefined) {
    assignments.unshift("state = ?");
    values.unshift(state);
  }
  if (assignments.length === 0) {
    const run = getRun(sql, id);
    if (!run) throw notFound(id);
    return run;
  }
  // SQL text varies only with the set of (whitelisted) columns, so the cache stays small.
  const row = sql
    .stmt(`UPDATE runs SET ${assignments.join(", ")} WHERE id = ? RETURNING *`)
    .get(...values, id);
  if (!row) throw notFound(id);
  return toRun(row);
}

function currentState(sql: Sql, id: number): RunState {
  const row = sql.stmt("SELECT state FROM runs WHERE id = ?").get(id);
  if (!row) throw notFound(id);
  const state = row.state as RunState;
  if (!RUN_STATES.includes(state)) {
    throw new AgentmuxError("store", `Run ${id} has an unknown state ${JSON.stringify(state)}`, {
      hint: "the database was edited by hand or by a newer agentmux",
    });
  }
  return state;
}

/**
 * Move a run to `to` and write the patch, in one IMMEDIATE transaction: the
 * state read, the check against the lifecycle table and the write cannot
 * interleave with another process. An illegal transition throws and writes nothing.
 */
export function transitionRun(sql: Sql, id: number, to: RunState, patch: RunPatch = {}): RunRow {
  return sql.immediate(() => {
    assertTransition(currentState(sql, id), to);
    return write(sql, id, to, patch);
  });
}

/**
 * transitionRun for racing writers (the finisher, a heartbeat, `kill`, the
 * CLI waiting for `started`): null when someone else got there first — the
 * run is already terminal (succeeded, failed, killed, lost) or already in
 * `to` — so exactly one of two settlers wins. A lost run may still settle as
 * succeeded/failed/killed (its runner was slow, not dead): lifecycle.ts allows it.
 * Any other illegal transition is a bug and throws.
 */
export function trySettle(sql: Sql, id: number, to: RunState, patch: RunPatch = {}): RunRow | null {
  return sql.immediate(() => {
    const from = currentState(sql, id);
    if (!canTransition(from, to)) {
      if (TERMINAL_STATES.has(from) || from === to) return null;
      assertTransition(from, to);
    }
    return write(sql, id, to, patch);
  });
}
