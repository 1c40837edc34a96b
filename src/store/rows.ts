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

export function toSession(r: Raw): SessionRow {
  return {
    id: r.id as number,
    name: str(r.name),
    kind: r.kind as SessionKind,
    agent: str(r.agent),
    spec: parseSessionSpec(parseJson(r.spec, "spec", r.id), str(r.name)),
    createdAt: str(r.created_at),
    removedAt: strOrNull(r.removed_at),
  };
}

export function toRun(r: Raw): RunRow {
  return {
    id: r.id as number,
    sessionId: r.session_id as number,
    runNo: r.run_no as number,
    state: r.state as RunState,
    runDir: str(r.run_dir),
    logPath: str(r.log_path),
    tmuxSessionId: strOrNull(r.tmux_session_id),
    runnerPid: numOrNull(r.runner_pid),
    runnerStart: strOrNull(r.runner_start),
    agentPid: numOrNull(r.agent_pid),
    agentStart: strOrNull(r.agent_start),
    startedAt: str(r.started_at),
    endedAt: strOrNull(r.ended_at),
    exitCode: numOrNull(r.exit_code),
    signal: strOrNull(r.signal),
    endReason: strOrNull(r.end_reason),
    killRequested: r.kill_requested === 1,
    startCommit: strOrNull(r.start_commit),
    evidence: parseJson(r.evidence, "evidence", r.id) as Evidence | null,
    verdict: strOrNull(r.verdict) as Verdict | null,
    diagnosis: parseJson(r.diagnosis, "diagnosis", r.id) as Diagnosis | null,
    journalFile: strOrNull(r.journal_file),
    finishedAt: strOrNull(r.finished_at),
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
