import { parseSessionSpec, type SessionSpec } from "../sessions/spec.js";
import type { Diagnosis } from "../diagnose/types.js";
import type { RunState } from "../sessions/lifecycle.js";
import type { Evidence, Verdict } from "../verify/types.js";
import { AgentmuxError } from "../util/errors.js";

/**
 * The typed rows the store hands out (camelCase, JSON columns parsed, times
 * as ISO 8601 strings) and the mapping from SQLite's snake_case rows.
 */

export type SessionKind = "agent" | "loop";

export interface SessionRow {
  id: number;
  name: string;
  kind: SessionKind;
  agent: string;
  /** Checked against SessionSpec as it is read (sessions/spec.ts). */
  spec: SessionSpec;
  createdAt: string;
  removedAt: string | null;
}

export interface RunRow {
  id: number;
  sessionId: number;
  runNo: number;
  state: RunState;
  runDir: string;
  logPath: string;
  tmuxSessionId: string | null;
  runnerPid: number | null;
  runnerStart: string | null;
  agentPid: number | null;
  agentStart: string | null;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  endReason: string | null;
  killRequested: boolean;
  startCommit: string | null;
  evidence: Evidence | null;
  verdict: Verdict | null;
  diagnosis: Diagnosis | null;
  journalFile: string | null;
  /** When verification/notification bookkeeping completed. */
  finishedAt: string | null;
  /**
   * When the agent last wrote output, as its log had it when the run was
   * judged; null until then, and for a lost run (see sessions/view.ts).
   */
  lastOutputAt: string | null;
}

/** What updateRun/transitionRun may change. State changes only through transitionRun/trySettle. */
export type RunPatch = Partial<Omit<RunRow, "id" | "sessionId" | "runNo" | "state">>;

export type NotificationState = "pending" | "sending" | "delivered" | "failed";

export interface NotificationRow {
  id: number;
  /** The local run it reports; null for a remote run's (remoteWatchId). */
  runId: number | null;
  /** The followed remote run it reports (store/hosts.ts remote_watches); null for a local run's. */
  remoteWatchId?: number | null;
  channel: string;
  target: string;
  /** Parsed JSON; its shape belongs to notify/plan.ts. */
  payload: unknown;
  state: NotificationState;
  /** How many times a claimer took the row to deliver it (a crashed claimer counts). */
  attempts: number;
  lastError: string | null;
  claimedBy: string | null;
  claimedAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** A pending row that failed: not retried before this (ISO). */
  nextAttemptAt: string | null;
  /** Retries are bounded from here (ISO; null: createdAt). */
  retrySince: string | null;
}

type Raw = Record<string, unknown>;

function parseJson(value: unknown, column: string, id: unknown): unknown {
  if (value === null || value === undefined) return null;
  try {
    if (typeof value !== "string") throw new TypeError(`a ${typeof value}, not text`);
    return JSON.parse(value) as unknown;
  } catch (e) {
    throw new AgentmuxError("store", `The ${column} of row ${String(id)} is not valid JSON`, {
      hint: "the database was edited by hand or damaged; move it aside to start afresh",
      cause: e,
    });
  }
}

const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null => (v ?? null) as string | null;
const numOrNull = (v: unknown): number | null => (v ?? null) as number | null;

/**
 * The columns of a sessions row and of a runs row, in the order the
 * value-list mappings below read them. Lists of many rows (`ls`, watch,
 * heartbeat) select exactly these and take each row as an array: SQLite
 * hands over an array of values several times faster than an object with a
 * property per column (at 1,000 runs, ~6 ms instead of ~15 ms).
 */
export const SESSION_VALUE_COLUMNS = [
  "id",
  "name",
  "kind",
  "agent",
  "spec",
  "created_at",
  "removed_at",
] as const;
export const RUN_VALUE_COLUMNS = [
  "id",
  "session_id",
  "run_no",
  "state",
  "run_dir",
  "log_path",
  "tmux_session_id",
  "runner_pid",
  "runner_start",
  "agent_pid",
  "agent_start",
  "started_at",
  "ended_at",
  "exit_code",
  "signal",
  "end_reason",
  "kill_requested",
  "start_commit",
  "evidence",
  "verdict",
  "diagnosis",
  "journal_file",
  "finished_at",
  "last_output_at",
] as const;

export function toSession(r: Raw): SessionRow {
  return sessionFromValues(SESSION_VALUE_COLUMNS.map((c) => r[c]));
}

/** A sessions row given as its values in SESSION_COLUMNS order. */
export function sessionFromValues(v: readonly unknown[]): SessionRow {
  return {
    id: v[0] as number,
    name: str(v[1]),
    kind: v[2] as SessionKind,
    agent: str(v[3]),
    spec: parseSessionSpec(parseJson(v[4], "spec", v[0]), str(v[1])),
    createdAt: str(v[5]),
    removedAt: strOrNull(v[6]),
  };
}

export function toRun(r: Raw): RunRow {
  return runFromValues(RUN_VALUE_COLUMNS.map((c) => r[c]));
}

/** A runs row given as its values in RUN_VALUE_COLUMNS order. */
export function runFromValues(v: readonly unknown[]): RunRow {
  return {
    id: v[0] as number,
    sessionId: v[1] as number,
    runNo: v[2] as number,
    state: v[3] as RunState,
    runDir: str(v[4]),
    logPath: str(v[5]),
    tmuxSessionId: strOrNull(v[6]),
    runnerPid: numOrNull(v[7]),
    runnerStart: strOrNull(v[8]),
    agentPid: numOrNull(v[9]),
    agentStart: strOrNull(v[10]),
    startedAt: str(v[11]),
    endedAt: strOrNull(v[12]),
    exitCode: numOrNull(v[13]),
    signal: strOrNull(v[14]),
    endReason: strOrNull(v[15]),
    killRequested: v[16] === 1,
    startCommit: strOrNull(v[17]),
    evidence: parseJson(v[18], "evidence", v[0]) as Evidence | null,
    verdict: strOrNull(v[19]) as Verdict | null,
    diagnosis: parseJson(v[20], "diagnosis", v[0]) as Diagnosis | null,
    journalFile: strOrNull(v[21]),
    finishedAt: strOrNull(v[22]),
    lastOutputAt: strOrNull(v[23]),
  };
}

export function toNotification(r: Raw): NotificationRow {
  return {
    id: r.id as number,
    runId: (r.run_id as number | null) ?? null,
    remoteWatchId: (r.remote_watch_id as number | null) ?? null,
    channel: str(r.channel),
    target: str(r.target),
    payload: parseJson(r.payload, "payload", r.id),
    state: r.state as NotificationState,
    attempts: r.attempts as number,
    lastError: strOrNull(r.last_error),
    claimedBy: strOrNull(r.claimed_by),
    claimedAt: strOrNull(r.claimed_at),
    createdAt: str(r.created_at),
    deliveredAt: strOrNull(r.delivered_at),
    nextAttemptAt: strOrNull(r.next_attempt_at),
    retrySince: strOrNull(r.retry_since),
  };
}

/** RunPatch key -> column, with how the value is stored. The whitelist keeps SQL built from keys safe. */
const RUN_COLUMNS: Readonly<
  Record<keyof RunPatch, { column: string; encode?: (v: unknown) => unknown }>
> = {
  runDir: { column: "run_dir" },
  logPath: { column: "log_path" },
  tmuxSessionId: { column: "tmux_session_id" },
  runnerPid: { column: "runner_pid" },
  runnerStart: { column: "runner_start" },
  agentPid: { column: "agent_pid" },
  agentStart: { column: "agent_start" },
  startedAt: { column: "started_at" },
  endedAt: { column: "ended_at" },
  exitCode: { column: "exit_code" },
  signal: { column: "signal" },
  endReason: { column: "end_reason" },
  killRequested: { column: "kill_requested", encode: (v) => (v ? 1 : 0) },
  startCommit: { column: "start_commit" },
  evidence: { column: "evidence", encode: (v) => (v === null ? null : JSON.stringify(v)) },
  verdict: { column: "verdict" },
  diagnosis: { column: "diagnosis", encode: (v) => (v === null ? null : JSON.stringify(v)) },
  journalFile: { column: "journal_file" },
  finishedAt: { column: "finished_at" },
  lastOutputAt: { column: "last_output_at" },
};

/**
 * A patch as `SET` assignments and values. Keys whose value is undefined are
 * skipped (so `{ ...(x ? { a } : {}) }` works); a key that is not a patchable
 * column (state, id, a typo smuggled in through a spread) is a bug and throws
 * rather than being dropped or written around the state machine.
 */
export function runPatchSql(patch: object): { assignments: string[]; values: unknown[] } {
  const assignments: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const spec = Object.hasOwn(RUN_COLUMNS, key) ? RUN_COLUMNS[key as keyof RunPatch] : undefined;
    if (!spec) {
      throw new AgentmuxError(
        "internal",
        `Expected a patchable run field, got ${JSON.stringify(key)}`,
        {
          hint: "run state changes only through transitionRun/trySettle",
        },
      );
    }
    assignments.push(`${spec.column} = ?`);
    values.push(spec.encode ? spec.encode(value) : value);
  }
  return { assignments, values };
}
