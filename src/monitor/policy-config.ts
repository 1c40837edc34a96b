import type { Config } from "../config/config.js";
import type { SessionSpec } from "../sessions/spec.js";
import { AgentmuxError, show } from "../util/errors.js";
import { parseDuration } from "./duration.js";
import {
  DEFAULT_TIMING,
  RESTART_POLICIES,
  type BackoffTiming,
  type RestartPolicy,
} from "./policy/restart.js";
import { DEFAULT_STALL_AFTER_MS } from "./stall.js";

/** A session's settings for the monitor: its own choice, else the config's, else the defaults. */

export function parseRestartPolicy(text: string): RestartPolicy {
  if ((RESTART_POLICIES as readonly string[]).includes(text)) return text as RestartPolicy;
  throw new AgentmuxError(
    "usage",
    `Expected --restart ${RESTART_POLICIES.join(", ")}, got ${show(text)}`,
    { hint: "without --restart, lost runs are restarted and failed ones are not" },
  );
}

/** null: none chosen anywhere, which restart.ts reads as its default (lost runs only). */
export function restartPolicyOf(spec: SessionSpec, cfg: Config): RestartPolicy | null {
  return spec.restart ?? cfg.restart ?? null;
}

export function stallAfterOf(spec: SessionSpec, cfg: Config): number {
  if (spec.stallAfterMs !== undefined) return spec.stallAfterMs;
  if (cfg.stallAfter !== undefined)
    return parseDuration(cfg.stallAfter, `stallAfter in ${cfg.path}`);
  return DEFAULT_STALL_AFTER_MS;
}

/**
 * FOR TESTS ONLY: AGENTMUX_RESTART_BACKOFF_MS replaces the 2 s backoff base
 * (the cap becomes 150 times it, the 1 s launch spacing at most it) so that
 * a crash loop reaches `errored` in seconds. Unset in real use; the crash
 * window (5 failures in 10 min) is not changed by it.
 */
export function backoffTiming(env: NodeJS.ProcessEnv): BackoffTiming {
  const raw = env.AGENTMUX_RESTART_BACKOFF_MS;
  const base = raw === undefined ? NaN : Number(raw);
  if (!Number.isFinite(base) || base <= 0) return DEFAULT_TIMING;
  return {
    baseMs: base,
    maxMs: Math.min(base * 150, DEFAULT_TIMING.maxMs),
    spacingMs: Math.min(base, DEFAULT_TIMING.spacingMs),
  };
}
