import { parseDuration } from "../diagnose/reset-time.js";
import { AgentmuxError, show } from "../util/errors.js";

export type { LoopSettings } from "../sessions/spec.js";

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
