import type { PrdTicks } from "../verify/prd-ticks.js";

/** Shared vocabulary of the session/run lifecycle (see docs/architecture.md). */

/** queued: recorded, waiting for a launch slot (a provider's pause, a concurrency limit). */
export const RUN_STATES = [
  "queued",
  "starting",
  "running",
  "succeeded",
  "failed",
  "killed",
  "lost",
] as const;
export type RunState = (typeof RUN_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<RunState> = new Set([
  "succeeded",
  "failed",
  "killed",
  "lost",
]);

export type AgentName = "codex" | "claude" | "ralphy" | "cmd" | "demo";

/** unverified: it exited 0, but ticked PRD items with no commits behind them (verify/prd-ticks.ts). */
export type Verdict = "verified" | "no-changes" | "failed" | "unverifiable" | "unverified";

/** What git says happened since a run started. */
export interface Evidence {
  isRepo: boolean;
  startCommit: string | null;
  headCommit: string | null;
  commits: { sha: string; subject: string }[];
  /** Files changed between start and head, plus uncommitted ones (repo-relative). */
  filesChanged: string[];
  /** Uncommitted files (modified, staged, untracked) at the time of gathering. */
  uncommitted: string[];
  /** Runs given --prd: which boxes it ticked and which have commits behind them. */
  prd?: PrdTicks;
  /** Last lines of the run's output, ANSI stripped. */
  tail: string[];
}

export interface Diagnosis {
  code: string;
  summary: string;
  fix?: string;
  /** When a usage limit resets (ISO 8601), when the agent's message said so. */
  resetAt?: string;
  /** How long the API asked to wait before retrying a rate-limited request. */
  retryAfterMs?: number;
}

/** How one run ended, as recorded by the runner. */
export interface ExitRecord {
  exitCode: number | null;
  signal: string | null;
  endedAt: string;
  /** Why the runner stopped the agent, when it did: "hangup" (pane or server gone), "terminated" (kill). */
  reason: string | null;
}
