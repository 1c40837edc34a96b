import type { SessionSpec } from "../sessions/spec.js";
import { AgentmuxError, show } from "../util/errors.js";
import {
  RUN_VALUE_COLUMNS,
  SESSION_VALUE_COLUMNS,
  runFromValues,
  sessionFromValues,
  toSession,
  type RunRow,
  type SessionKind,
  type SessionRow,
} from "./rows.js";
import { nowIso, sqliteCode, type Row, type Sql } from "./sql.js";

export interface NewSession {
  name: string;
  kind: SessionKind;
  agent: string;
  spec: SessionSpec;
}

export interface SessionWithRun {
  session: SessionRow;
  /** The run with the highest run_no, or null when the session never ran. */
  run: RunRow | null;
}

export function createSession(sql: Sql, input: NewSession): SessionRow {
  try {
    const row = sql
      .stmt(
        "INSERT INTO sessions (name, kind, agent, spec, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
      )
      .get(input.name, input.kind, input.agent, JSON.stringify(input.spec), nowIso());
    return toSession(row as Row);
  } catch (e) {
    if (sqliteCode(e) === "SQLITE_CONSTRAINT_UNIQUE") {
      throw new AgentmuxError("exists", `A session named ${show(input.name)} already exists`, {
        hint: `pick another --name, or remove the old one first: agentmux rm ${input.name}`,
        cause: e,
      });
    }
    throw e;
  }
}

/** The live (not removed) session of that name. */
export function getSession(sql: Sql, name: string): SessionRow | null {
  const row = sql.stmt("SELECT * FROM sessions WHERE name = ? AND removed_at IS NULL").get(name);
  return row ? toSession(row) : null;
}

/** By id, removed or not (runs keep pointing at their session). */
export function getSessionById(sql: Sql, id: number): SessionRow | null {
  const row = sql.stmt("SELECT * FROM sessions WHERE id = ?").get(id);
  return row ? toSession(row) : null;
}

export function listSessions(sql: Sql, opts: { includeRemoved?: boolean } = {}): SessionRow[] {
  const rows = opts.includeRemoved
    ? sql.stmt("SELECT * FROM sessions ORDER BY id").all()
    : sql.stmt("SELECT * FROM sessions WHERE removed_at IS NULL ORDER BY id").all();
  return rows.map(toSession);
}

/** `rm`: the name becomes free, the record and its runs stay as history. Idempotent. */
export function markRemoved(sql: Sql, id: number): void {
  sql
    .stmt("UPDATE sessions SET removed_at = ? WHERE id = ? AND removed_at IS NULL")
    .run(nowIso(), id);
}

/** `rm --purge`: the session, its runs and their notifications (ON DELETE CASCADE). */
export function purgeSession(sql: Sql, id: number): void {
  sql.stmt("DELETE FROM sessions WHERE id = ?").run(id);
}

/** Restarts rebuild argv; the spec keeps the latest one. */
export function updateSessionSpec(sql: Sql, id: number, spec: SessionSpec): void {
  const result = sql
    .stmt("UPDATE sessions SET spec = ? WHERE id = ?")
    .run(JSON.stringify(spec), id);
  if (result.changes === 0) throw new AgentmuxError("not-found", `No session with id ${id}`);
}

// Two statements in one read transaction (one snapshot; a deferred read never
// waits for a writer in WAL). The latest run is found by the UNIQUE
// (session_id, run_no) index: one index seek per session. `ls`, watch and
// heartbeat read every session through here. Both select the columns the
// value-list mappings read, in their order, and run in raw mode (arrays):
// these SQL texts are used only here, so no other caller gets a raw statement.
const ALL_SESSIONS = `SELECT ${SESSION_VALUE_COLUMNS.join(", ")} FROM sessions ORDER BY id`;
const SESSIONS = `SELECT ${SESSION_VALUE_COLUMNS.join(", ")} FROM sessions WHERE removed_at IS NULL ORDER BY id`;
const LATEST_RUNS = `
  SELECT ${RUN_VALUE_COLUMNS.map((c) => `r.${c}`).join(", ")} FROM sessions s
  JOIN runs r ON r.session_id = s.id
    AND r.run_no = (SELECT MAX(run_no) FROM runs WHERE session_id = s.id)`;

/** What `agentmux ls` shows: every session with its latest run. */
export function listSessionsWithLatestRun(
  sql: Sql,
  opts: { includeRemoved?: boolean } = {},
): SessionWithRun[] {
  const all = opts.includeRemoved === true;
  return sql.read(() => {
    const runs = new Map<number, RunRow>();
    const latest = sql.stmt(all ? LATEST_RUNS : `${LATEST_RUNS} WHERE s.removed_at IS NULL`);
    for (const v of latest.raw(true).all() as unknown as unknown[][]) {
      runs.set(v[1] as number, runFromValues(v));
    }
    const list = sql
      .stmt(all ? ALL_SESSIONS : SESSIONS)
      .raw(true)
      .all() as unknown as unknown[][];
    return list.map((v) => ({
      session: sessionFromValues(v),
      run: runs.get(v[0] as number) ?? null,
    }));
  });
}
