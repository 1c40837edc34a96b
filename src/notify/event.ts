import type { Diagnosis } from "../diagnose/types.js";
import type { RunRow, SessionRow } from "../store/store.js";
import type { NotifyEvent, NotifyState, NotifyVerdict } from "./summary.js";

/** What is told about the run, beside who it is (the session and run rows). */
export interface EventFacts {
  state: NotifyState;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  verdict: NotifyVerdict | null;
  commits: number;
  uncommitted: number;
  /** PRD boxes ticked with no commit behind them (only runs given --prd). */
  unbackedTicks?: readonly string[] | undefined;
  diagnosis: Diagnosis;
  /** A loop's `3/4 items done`. */
  loop?: string | null;
  /** Tokens and cost, as text. */
  usage?: string | null;
}

/**
 * The one place a local run's notification event is built: by the finisher
 * (how the run ended) and by the monitor (stalled, errored), so both tell
 * the same things under the same names.
 */
export function notifyEvent(
  session: Pick<SessionRow, "name" | "spec">,
  run: Pick<RunRow, "id" | "logPath">,
  facts: EventFacts,
): NotifyEvent {
  return {
    name: session.name,
    agent: session.spec.agent,
    state: facts.state,
    exitCode: facts.exitCode,
    signal: facts.signal,
    durationMs: facts.durationMs,
    cwd: session.spec.cwd,
    runId: run.id,
    logPath: run.logPath,
    verdict: facts.verdict,
    commits: facts.commits,
    uncommitted: facts.uncommitted,
    ...(facts.unbackedTicks?.length ? { unbackedTicks: [...facts.unbackedTicks] } : {}),
    diagnosis: facts.diagnosis,
    ...(facts.loop ? { loop: facts.loop } : {}),
    ...(facts.usage != null ? { usage: facts.usage } : {}),
  };
}
