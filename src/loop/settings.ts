import { parseDuration } from "../diagnose/reset-time.js";
import { AgentmuxError, show } from "../util/errors.js";

/**
 * A loop's settings, recorded in the session spec (SessionSpec.loop) at
 * `agentmux loop` and reused by every run (restart) of the loop.
 */
export interface LoopSettings {
  /** The PRD as given (relative to the session's cwd, or absolute). */
  prd: string;
  /** The project's check command (a trusted template, split into argv; never a shell). */
  check?: string;
  /** Iterations per run of the loop (a restart gets a fresh budget). */
  maxIterations: number;
  /** Counted attempts per item before it is left failed. */
  attempts: number;
  iterationTimeoutMs: number;
  /** The whole loop's time limit per run; none when absent. */
  timeoutMs?: number;
  checkTimeoutMs: number;
  /** Items worked at once; 1 = serial in the working tree, more = one worktree each. */
  parallel: number;
  /** Parallel mode: minimum time between two agent starts, plus up to jitterMs at random. */
  spacingMs: number;
  jitterMs: number;
  /** Distinct items in a row without progress that open the circuit (pause the loop). */
  noProgressLimit: number;
  /** Stop when an item is left failed, instead of going on to the next (absent: go on). */
  stopOnFailure?: boolean;
  /**
   * Globs (git's :(glob) syntax, repo-relative) the check depends on besides the files its
   * command names: --protect and the config's loop.protect. A change to them is tampering.
   */
  protect?: string[];
}

export const LOOP_DEFAULTS = {
  maxIterations: 50,
  attempts: 3,
  iterationTimeoutMs: 60 * 60_000,
  // A test suite that takes longer than this is better run outside the loop.
  checkTimeoutMs: 20 * 60_000,
  parallel: 1,
  // Providers throttle bursts: N agents must not all start in the same second.
  spacingMs: 2_000,
  jitterMs: 1_000,
  noProgressLimit: 3,
} as const;

/** "90s", "45m", "2h", "1h30m", or a bare number of seconds. */
export function parseDur(flag: string, text: string): number {
  const t = text.trim();
  const ms = /^\d+(\.\d+)?$/.test(t) ? Math.round(Number(t) * 1000) : parseDuration(t);
  // parseDuration reads a prefix; the whole text must be a duration.
  const whole = /^(\d+(\.\d+)?\s*[a-z]+\s*)+$/i.test(t) || /^\d+(\.\d+)?$/.test(t);
  if (ms === null || !whole || ms <= 0) {
    throw new AgentmuxError(
      "usage",
      `--${flag}: expected a duration such as 90s, 45m or 2h, got ${show(text)}`,
    );
  }
  return ms;
}
