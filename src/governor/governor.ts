import type { AgentLimits, Config } from "../config/config.js";
import { isAlive } from "../process/pids.js";
import type { Diagnosis } from "../diagnose/types.js";
import type { GovernorRow, Store } from "../store/store.js";
import { AgentmuxError } from "../util/errors.js";

/**
 * The launch limits shared across sessions and processes:
 * every launch of an agent, by any process, first takes a slot here. Per
 * agent it enforces a concurrency limit, a minimum spacing between launches,
 * and a shared pause after any session of that agent hit a rate or usage
 * limit, so ten loops on one account do not stampede the provider.
 *
 * Store-backed, no daemon: the spacing and pause live in the store's
 * governor table (one row per agent), the concurrency count is the agent's live runs. The
 * check and the reservation (the caller's new run row) happen in one
 * IMMEDIATE transaction, so two processes can never both take the last slot.
 */

/** Real agents are spaced by default: bursts of launches are what providers throttle. */
export const DEFAULT_LIMITS: Readonly<Record<string, AgentLimits>> = {
  codex: { spacingSeconds: 1 },
  claude: { spacingSeconds: 1 },
  ralphy: { spacingSeconds: 1 },
};

/** A `starting` run with no supervisor pid yet is someone's launch in progress, for this long. */
const STARTING_GRACE_MS = 60_000;
/** How often a waiter looks again for a free concurrency slot (runs end without telling us). */
const POLL_MS = 500;
/** A rate limit that named no wait: pause this long (the providers' usual window). */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 60_000;

export interface ResolvedLimits {
  /** Infinity: no limit. */
  concurrency: number;
  spacingMs: number;
  /** A limit hit by one run pauses every launch (a provider account's limits). Default true. */
  pauseOnLimit?: boolean;
}

/**
 * A pause belongs to a provider account: the limits codex or claude print are
 * their account's. A `cmd` or `demo` command printing such a line pauses nothing
 * unless its config says so (limits.cmd.pauseOnLimit).
 */
const ACCOUNT_AGENTS: ReadonlySet<string> = new Set(["codex", "claude", "ralphy"]);

export function limitsFor(agent: string, config?: Pick<Config, "limits">): ResolvedLimits {
  const own = (config?.limits as Record<string, AgentLimits | undefined> | undefined)?.[agent];
  const merged = { ...DEFAULT_LIMITS[agent], ...own };
  return {
    concurrency: merged.concurrency ?? Infinity,
    spacingMs: Math.round((merged.spacingSeconds ?? 0) * 1000),
    pauseOnLimit: merged.pauseOnLimit ?? ACCOUNT_AGENTS.has(agent),
  };
}

/** lastLaunchBy: who launched last (AcquireOptions.launcher): its own next launch is not spaced from it. */
export type GovernorState = GovernorRow;

const NONE: GovernorState = { lastLaunchAt: null, pausedUntil: null, pauseReason: null };

export function readGovernor(store: Store, agent: string): GovernorState {
  return store.governor(agent) ?? NONE;
}

function writeGovernor(store: Store, agent: string, state: GovernorState): void {
  store.putGovernor(agent, state);
}

export type SlotPlan =
  | { ok: true }
  | {
      ok: false;
      kind: "paused" | "spacing" | "concurrency";
      waitMs: number | null;
      reason: string;
    };

/** Pure: may a launch happen now? waitMs null: unknown (a running session must end first). */
export function planSlot(input: {
  agent: string;
  state: GovernorState;
  live: number;
  limits: ResolvedLimits;
  now: number;
  launcher?: string;
  /** Runs counted on other machines (already in `live`), said in the reason: "h0: 1, h1: 0". */
  elsewhere?: string | null;
}): SlotPlan {
  const { agent, state, limits, now } = input;
  const paused =
    state.pausedUntil === null || limits.pauseOnLimit === false
      ? NaN
      : Date.parse(state.pausedUntil);
  if (paused > now) {
    const why = state.pauseReason ? ` (${state.pauseReason})` : "";
    return {
      ok: false,
      kind: "paused",
      waitMs: paused - now,
      reason: `${agent} is paused until ${new Date(paused).toISOString()}${why}`,
    };
  }
  if (input.live >= limits.concurrency) {
    return {
      ok: false,
      kind: "concurrency",
      waitMs: null,
      reason: `${input.live} ${agent} runs are live (limit ${limits.concurrency}${input.elsewhere ? `; ${input.elsewhere}` : ""})`,
    };
  }
  // Spacing keeps different sessions from starting in the same second. A
  // serial loop's next agent follows its own previous one, which has already
  // ended: that is no burst, and waiting would only slow every item down.
  const own = input.launcher !== undefined && state.lastLaunchBy === input.launcher;
  const last = state.lastLaunchAt === null || own ? NaN : Date.parse(state.lastLaunchAt);
  if (last + limits.spacingMs > now) {
    return {
      ok: false,
      kind: "spacing",
      waitMs: last + limits.spacingMs - now,
      reason: `${agent} launches are spaced ${limits.spacingMs / 1000}s apart`,
    };
  }
  return { ok: true };
}

/** Live runs of the agent whose supervisor is alive (or being launched right now). */
export function countLive(store: Store, agent: string, now: number, excludeRunId?: number): number {
  return store.liveRunsOfAgent(agent).filter((r) => {
    if (r.id === excludeRunId) return false;
    if (r.runnerPid !== null) return isAlive(r.runnerPid, r.runnerStart);
    // No supervisor yet: a launch in progress, unless it was abandoned long ago.
    return now - Date.parse(r.startedAt) < STARTING_GRACE_MS;
  }).length;
}

export interface AcquireOptions<T> {
  limits: ResolvedLimits;
  /**
   * Runs inside the deciding transaction once the slot is free: create the
   * run row here. `now` is the launch time the governor records.
   */
  reserve?: (now: number) => T;
  /** A loop's own run, which must not count against its next iteration. */
  excludeRunId?: number;
  /** Who is launching (a loop: "run:<id>"); consecutive launches by one launcher are not spaced. */
  launcher?: string;
  /**
   * The account's live runs on other machines (remote hosts), asked before
   * each look when the concurrency limit is finite. Not under this store's
   * lock: other machines' launches are seen, not serialised (one round trip
   * of race), while launches on this machine stay exact.
   */
  elsewhere?: () => Promise<ElsewhereLive>;
  /** Give up (AgentmuxError, code "state") rather than wait longer than this. Default 10 min. */
  maxWaitMs?: number;
  /** false: refuse at once while the agent is paused (the caller queues the launch instead). */
  waitForPause?: boolean;
  /** Called when the launch has to wait, and again every time the reason changes. */
  onWait?: (info: { reason: string; waitMs: number | null; waitedMs: number }) => void;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_MAX_WAIT_MS = 10 * 60_000;

/** What other machines add to an agent's live count, and how to say it (null: nothing to say). */
export interface ElsewhereLive {
  live: number;
  note: string | null;
}

/**
 * Wait for a launch slot of `agent` and take it. Resolves with how long it
 * waited and what `reserve` returned; throws (code "state") when the wait would
 * exceed maxWaitMs (a known pause that ends later is refused at once).
 */
export async function acquireLaunchSlot<T = void>(
  store: Store,
  agent: string,
  opts: AcquireOptions<T>,
): Promise<{ waitedMs: number; reserved: T | undefined }> {
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxWaitMs = opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const start = clock();
  let lastReason = "";
  for (;;) {
    let now = clock();
    const far =
      opts.elsewhere !== undefined && Number.isFinite(opts.limits.concurrency)
        ? await opts.elsewhere()
        : { live: 0, note: null };
    const attempt = store.transaction(() => {
      // Read the clock under the write lock: waiting for the lock must not
      // make the recorded launch time earlier than the launch itself.
      now = clock();
      const state = readGovernor(store, agent);
      const live = countLive(store, agent, now, opts.excludeRunId) + far.live;
      const plan = planSlot({
        agent,
        state,
        live,
        limits: opts.limits,
        now,
        elsewhere: far.note,
        ...(opts.launcher === undefined ? {} : { launcher: opts.launcher }),
      });
      if (!plan.ok) return { plan, reserved: undefined };
      const reserved = opts.reserve?.(now);
      writeGovernor(store, agent, {
        ...state,
        lastLaunchAt: new Date(now).toISOString(),
        lastLaunchBy: opts.launcher ?? null,
      });
      return { plan, reserved };
    });
    const waitedMs = now - start;
    if (attempt.plan.ok) return { waitedMs, reserved: attempt.reserved };
    const plan = attempt.plan;
    const left = maxWaitMs - waitedMs;
    const refusePause = plan.kind === "paused" && opts.waitForPause === false;
    if (refusePause || left <= 0 || (plan.waitMs !== null && plan.waitMs > left)) {
      throw new AgentmuxError("state", `Cannot start ${agent} now: ${plan.reason}`, {
        hint:
          plan.kind === "paused"
            ? "wait for the limit to reset, then run it again (agentmux restart NAME for an existing session)"
            : `wait for a running ${agent} session to end, or raise limits.${agent}.concurrency in the config`,
      });
    }
    if (plan.reason !== lastReason) {
      lastReason = plan.reason;
      opts.onWait?.({ reason: plan.reason, waitMs: plan.waitMs, waitedMs });
    }
    // A little jitter: waiters that wake together do not all hit the lock at once.
    const base = plan.waitMs === null ? POLL_MS : Math.min(plan.waitMs, left);
    await sleep(base + Math.floor(Math.random() * 25));
  }
}

/**
 * Pause every launch of `agent` until `until` (a later pause wins; an earlier
 * one never shortens it). Called when a session of that agent hit a limit.
 */
export function reportRateLimit(
  store: Store,
  agent: string,
  until: Date | string,
  reason?: string,
): void {
  const untilMs = new Date(until).getTime();
  if (Number.isNaN(untilMs)) return;
  store.transaction(() => {
    const state = readGovernor(store, agent);
    const current = state.pausedUntil === null ? NaN : Date.parse(state.pausedUntil);
    if (current >= untilMs) return;
    writeGovernor(store, agent, {
      ...state,
      pausedUntil: new Date(untilMs).toISOString(),
      pauseReason: reason ?? "rate limited",
    });
  });
}

/** When a diagnosis should pause its agent until, or null (not a limit). */
export function pauseUntilFor(diagnosis: Diagnosis | null, endedAt: Date): string | null {
  if (diagnosis === null) return null;
  if (diagnosis.code === "usage-limit") {
    return diagnosis.resetAt !== undefined && !Number.isNaN(Date.parse(diagnosis.resetAt))
      ? new Date(diagnosis.resetAt).toISOString()
      : null;
  }
  if (diagnosis.code === "rate-limit") {
    const ms = diagnosis.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS;
    return new Date(endedAt.getTime() + ms).toISOString();
  }
  return null;
}

/** The one call a finisher or monitor makes after a run ended: pause the agent if it hit a limit. */
export function reportFromDiagnosis(
  store: Store,
  agent: string,
  diagnosis: Diagnosis | null,
  endedAt: Date,
  sessionName?: string,
  config?: Pick<Config, "limits">,
): string | null {
  if (limitsFor(agent, config).pauseOnLimit === false) return null;
  const until = pauseUntilFor(diagnosis, endedAt);
  if (until === null || diagnosis === null) return null;
  const who = sessionName === undefined ? "" : ` by ${sessionName}`;
  reportRateLimit(store, agent, until, `${diagnosis.code} hit${who}`);
  return until;
}
