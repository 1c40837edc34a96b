import type { Config } from "../config/config.js";
import { diagnose } from "../diagnose/diagnose.js";
import type { DiagnoseFacts, Diagnosis } from "../diagnose/types.js";
import { reportFromDiagnosis } from "../governor/governor.js";
import type { Store } from "../store/store.js";
import type { SessionSpec } from "./spec.js";

/** How one agent process ended, as the finisher and a loop iteration both know it. */
export interface AgentEnd {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** The agent's last output lines. */
  tail: readonly string[];
  /** Why the agent could not be started at all (exec or spawn failed): read after its output. */
  launchError?: string | null;
  evidence: { isRepo: boolean; commits: number; filesChanged: number };
  /** agentmux stopped it at its time limit. */
  timedOut?: boolean;
  /** A person asked to stop it (`agentmux kill`). */
  killRequested?: boolean;
  /** The supervisor stopped it because its pane or tmux server went away. */
  hangup?: boolean;
  /** The PATH it was started with, for a not-found diagnosis. */
  pathValue?: string;
}

/** The classifier's facts for an agent of `spec`. Pure. */
export function agentFacts(
  spec: Pick<SessionSpec, "agent" | "argv">,
  end: AgentEnd,
): DiagnoseFacts {
  return {
    agent: spec.agent,
    exitCode: end.exitCode,
    signal: end.signal,
    durationMs: end.durationMs,
    outputTail: end.launchError ? [...end.tail, end.launchError] : [...end.tail],
    evidence: end.evidence,
    binary: spec.argv[0] ?? spec.agent,
    ...(end.timedOut ? { timedOut: true } : {}),
    ...(end.killRequested ? { killRequested: true } : {}),
    ...(end.hangup ? { hangup: true } : {}),
    ...(end.pathValue !== undefined ? { pathValue: end.pathValue } : {}),
  };
}

/**
 * How an agent ended, in one line and a fix (`given` when the caller already
 * knows: a lost run, a loop's report), and what it means for every session
 * of that agent: a rate or usage limit pauses their launches until it resets
 * (governor/governor.ts). Called before the run or iteration is recorded as
 * over: that frees its launch slot, and a waiter must find the pause there.
 */
export function diagnoseAgentEnd(
  deps: { store: Store; config: Pick<Config, "limits"> },
  who: { name: string; spec: Pick<SessionSpec, "agent" | "argv"> },
  end: AgentEnd,
  opts: { at: Date; given?: Diagnosis | null },
): Diagnosis {
  const diagnosis = opts.given ?? diagnose(agentFacts(who.spec, end));
  reportFromDiagnosis(deps.store, who.spec.agent, diagnosis, opts.at, who.name, deps.config);
  return diagnosis;
}
