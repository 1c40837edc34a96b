/** Vocabulary of the outcome classifier: what it is told, and the codes it answers with. */

export const DIAGNOSIS_CODES = [
  "success",
  "no-op",
  "auth",
  "rate-limit",
  "usage-limit",
  "waiting-input",
  "not-found",
  "cli-usage",
  "oom",
  "killed",
  "timeout",
  "stall",
  "crash",
  "interrupted",
] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

/**
 * Outcomes decided by the lifecycle rather than the classifier: a run nobody
 * saw end (lost), a launch that failed before the agent started, a session
 * the monitor stopped restarting (errored).
 */
export const LIFECYCLE_CODES = ["lost", "launch-failed", "errored"] as const;

/**
 * How a loop ended: `loop-` and the kind loop/policy.ts decides (or "lost").
 * loop/ owns that list; this vocabulary sits below it and cannot import it.
 */
export type LoopOutcomeCode = `loop-${string}`;

/** Every code a stored diagnosis can carry. */
export type OutcomeCode = DiagnosisCode | (typeof LIFECYCLE_CODES)[number] | LoopOutcomeCode;

/** Everything the classifier knows about one finished agent run. Pure data: no handles, no I/O. */
export interface DiagnoseFacts {
  /** Agent profile name: "codex", "claude", "ralphy", "cmd", ... */
  agent: string;
  exitCode: number | null;
  /** Signal name ("SIGKILL"; "KILL" is accepted too) when the agent died of a signal. */
  signal: string | null;
  durationMs: number;
  /** agentmux was asked to stop this run (`agentmux kill`). */
  killRequested?: boolean;
  /** The run hit its time limit and was stopped. */
  timedOut?: boolean;
  /** The monitor found the run silent for too long and stopped it. */
  stalled?: boolean;
  /** The runner stopped the agent because its tmux pane or server went away. */
  hangup?: boolean;
  /** Last lines of output, ANSI stripped. */
  outputTail: string[];
  /**
   * Structured events the agent printed (codex `exec --json` JSONL, claude
   * `--output-format stream-json`). When absent they are parsed from the tail.
   */
  events?: unknown[];
  evidence?: { isRepo: boolean; commits: number; filesChanged: number };
  /** The command that was run (argv[0]). */
  binary?: string;
  /** The PATH the agent was started with. */
  pathValue?: string;
  /** "Now" for relative reset times; defaults to the current time. */
  now?: Date;
  /** IANA zone for reset times that name none; defaults to the machine's zone. */
  timeZone?: string;
}

/** The classifier's answer: what happened, in one line, and what to do about it. */
export interface Diagnosis {
  code: OutcomeCode;
  summary: string;
  fix?: string;
  /** When a usage limit resets (ISO 8601), when the agent's message said so. */
  resetAt?: string;
  /** How long the API asked to wait before retrying a rate-limited request. */
  retryAfterMs?: number;
}
