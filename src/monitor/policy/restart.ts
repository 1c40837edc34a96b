import type { Diagnosis } from "../../diagnose/types.js";
import type { RunState } from "../../sessions/lifecycle.js";

/**
 * The restart policy, as a pure decision: what the monitor should
 * do about a session whose latest run just ended. No clocks, no randomness of
 * its own, no store: `now` and `random` come in, so the table tests pin every
 * rule. The monitor (heartbeat/watch) applies the answer; `errored` is kept
 * in the store (store/errored.ts), where `agentmux restart` clears it.
 */

export const RESTART_POLICIES = ["never", "on-failure", "always"] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

/**
 * What a session that chose no policy gets: `lost` runs are restarted (the
 * seed's "session died -> restart it with the same command"), failed exits
 * are not. `--restart never` turns off even that; `on-failure` adds failed
 * exits; `always` adds clean exits too.
 */
export const DEFAULT_POLICY = "lost-only" as const;
export type EffectivePolicy = RestartPolicy | typeof DEFAULT_POLICY;

/**
 * Backoff starts here and doubles per consecutive short run, up to 5 min: the
 * first retry is quick (most crashes are a one-off), a crash loop costs little.
 */
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_MAX_MS = 5 * 60_000;
/** A run that stayed up this long was healthy: the backoff starts over. */
export const HEALTHY_AFTER_MS = 10 * 60_000;
/** Two launches of one session are never closer than this. */
export const MIN_LAUNCH_SPACING_MS = 1_000;
/** This many failures within CRASH_WINDOW_MS make the session `errored`. */
export const CRASH_LIMIT = 5;
export const CRASH_WINDOW_MS = 10 * 60_000;
/**
 * The backoff's clock. Tests shorten it (AGENTMUX_RESTART_BACKOFF_MS, see
 * policy-config.ts); the crash window and the healthy time never change.
 */
export interface BackoffTiming {
  baseMs: number;
  maxMs: number;
  spacingMs: number;
}
export const DEFAULT_TIMING: BackoffTiming = {
  baseMs: BACKOFF_BASE_MS,
  maxMs: BACKOFF_MAX_MS,
  spacingMs: MIN_LAUNCH_SPACING_MS,
};
/** +-20 %: ten sessions that died together do not come back in the same second. */
export const JITTER = 0.2;

/** Diagnoses a restart cannot fix: the same command would fail the same way. */
const HOPELESS: Readonly<Record<string, string>> = {
  auth: "an authentication failure",
  "not-found": "a command that was not found",
  "cli-usage": "a command-line usage error",
};

export interface PastRun {
  startedAt: string;
  endedAt: string | null;
  state: RunState;
  /** Optional: lets a stall-killed run count as a failure rather than a `kill`. */
  diagnosisCode?: string | null;
}

export interface RestartInput {
  /** The session's policy; null or undefined: none chosen (DEFAULT_POLICY). */
  policy: RestartPolicy | null | undefined;
  /** State of the run that just ended. */
  state: RunState;
  diagnosis: Diagnosis | null;
  /** This session's runs, oldest first, including the one that just ended. */
  history: readonly PastRun[];
  now: Date;
  /** `agentmux restart`: a person asked; policy, diagnosis and errored do not apply. */
  manual?: boolean;
  /** The session is marked errored (store/errored.ts) and nobody has restarted it since. */
  errored?: boolean;
  /** Failures before this time are forgiven (the last manual restart, from store/errored.ts). */
  failuresSince?: string | null;
  /** [0, 1) source for jitter; Math.random by default. */
  random?: () => number;
  timing?: BackoffTiming;
}

export type RestartDecision =
  | { action: "restart"; delayMs: number }
  | { action: "wait"; until: string; reason: string }
  | { action: "none"; reason: string }
  | { action: "errored"; reason: string };

/** Which ended states a policy restarts (killed: someone asked it to stop). */
const RESTARTS: Readonly<Record<EffectivePolicy, ReadonlySet<RunState>>> = {
  never: new Set(),
  "lost-only": new Set(["lost"]),
  "on-failure": new Set(["lost", "failed"]),
  always: new Set(["lost", "failed", "succeeded"]),
};

const FAILED_STATES: ReadonlySet<RunState> = new Set(["failed", "lost"]);

const ms = (iso: string | null): number => (iso === null ? NaN : Date.parse(iso));

/** A run that ended badly: failed, lost, or stopped by the monitor for stalling. */
function isFailure(run: PastRun): boolean {
  return FAILED_STATES.has(run.state) || run.diagnosisCode === "stall";
}

export function decideRestart(input: RestartInput): RestartDecision {
  const now = input.now.getTime();
  const state = input.state;
  if (state === "queued" || state === "starting" || state === "running") {
    return { action: "none", reason: `the session is still ${state}` };
  }
  const timing = input.timing ?? DEFAULT_TIMING;
  if (input.manual) return { action: "restart", delayMs: spacingDelay(input.history, now, timing) };
  if (input.errored) {
    return {
      action: "none",
      reason: "errored after repeated failures; agentmux restart resumes it",
    };
  }

  const policy: EffectivePolicy = input.policy ?? DEFAULT_POLICY;
  const code = input.diagnosis?.code ?? null;
  // The monitor stopping a stalled run records `killed`; that is a failure, not a person's kill.
  const effectiveState: RunState = state === "killed" && code === "stall" ? "failed" : state;
  if (!RESTARTS[policy].has(effectiveState)) {
    return { action: "none", reason: `policy ${policy} does not restart a ${state} run` };
  }

  const hopeless = code === null ? undefined : HOPELESS[code];
  if (hopeless !== undefined) {
    return { action: "none", reason: `not restarted after ${hopeless}` };
  }
  if (code === "usage-limit") {
    const resetAt = ms(input.diagnosis?.resetAt ?? null);
    if (Number.isNaN(resetAt)) {
      // Restarting blind would burn the next attempt on the same limit.
      return { action: "none", reason: "usage limit with no known reset time; restart it later" };
    }
    if (resetAt > now) {
      return {
        action: "wait",
        until: new Date(resetAt).toISOString(),
        reason: "usage limit: waiting for its reset",
      };
    }
  }

  const failures = countFailures(input.history, now, input.failuresSince ?? null);
  if (failures >= CRASH_LIMIT) {
    return {
      action: "errored",
      reason: `${failures} failures within ${CRASH_WINDOW_MS / 60_000} min; agentmux restart resumes it`,
    };
  }

  let delayMs = backoffDelay(input.history, input.random ?? Math.random, timing);
  if (code === "rate-limit" && input.diagnosis?.retryAfterMs !== undefined) {
    delayMs = Math.max(delayMs, input.diagnosis.retryAfterMs);
  }
  // The backoff counts from the end of the run; the caller schedules from now.
  const last = input.history.at(-1);
  const endedAt = ms(last?.endedAt ?? null);
  if (!Number.isNaN(endedAt)) delayMs = Math.max(0, endedAt + delayMs - now);
  return {
    action: "restart",
    delayMs: Math.max(delayMs, spacingDelay(input.history, now, timing)),
  };
}

/** Failures that ended within the crash window (and after `since`, if given). */
export function countFailures(
  history: readonly PastRun[],
  now: number,
  since: string | null,
): number {
  const from = Math.max(now - CRASH_WINDOW_MS, since === null ? -Infinity : ms(since));
  return history.filter((r) => isFailure(r) && ms(r.endedAt) >= from).length;
}

/**
 * 2 s * 2^(n-1) for the n-th consecutive short run, capped at 5 min, with
 * jitter. A run that lasted HEALTHY_AFTER_MS ends the streak.
 */
export function backoffDelay(
  history: readonly PastRun[],
  random: () => number,
  timing: BackoffTiming = DEFAULT_TIMING,
): number {
  let streak = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const r = history[i];
    if (r === undefined) break;
    const lasted = ms(r.endedAt) - ms(r.startedAt);
    if (lasted >= HEALTHY_AFTER_MS) break;
    streak++;
  }
  const exp = Math.max(0, streak - 1);
  // 2^20 already exceeds the cap; the bound keeps the power finite for long histories.
  const base = Math.min(timing.baseMs * 2 ** Math.min(exp, 20), timing.maxMs);
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  return Math.round(Math.min(Math.max(jittered, timing.spacingMs), timing.maxMs));
}

/** What is left of the 1 s spacing since the latest launch. */
function spacingDelay(history: readonly PastRun[], now: number, timing: BackoffTiming): number {
  const starts = history.map((r) => ms(r.startedAt)).filter((t) => !Number.isNaN(t));
  if (starts.length === 0) return 0;
  return Math.max(0, Math.max(...starts) + timing.spacingMs - now);
}
