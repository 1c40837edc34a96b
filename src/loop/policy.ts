import type { ItemState } from "../store/store.js";
import { isOpen } from "./items.js";
import type { LoopEnd, LoopEndKind } from "../rundir/loop-end.js";

// How a loop ends is written to the run directory for the finisher (rundir/loop-end.ts).
export type { LoopEnd, LoopEndKind } from "../rundir/loop-end.js";

/**
 * What a loop does next, so that it stops safely: pure, the
 * loop's state in, one step out. The serial driver and the parallel one ask
 * it before every start, so both stop for the same reasons, in the same order:
 * a stop request, an auth failure, every item finished, an item left failed
 * (only with --stop-on-failure), the circuit breaker, the time limit, the
 * iteration budget; then a rate-limit wait or the next item.
 */

export interface PolicyItem {
  key: string;
  text: string;
  state: ItemState;
  attempts: number;
  present: boolean;
}

/** The latest settled iteration of this run, as far as the policy cares. */
export interface LastIteration {
  itemKey: string;
  itemText: string;
  /** IterationDecision.stop: an auth failure (no other item can succeed either). */
  stop: boolean;
  /** IterationDecision.retry: a rate or usage limit; wait, then the same item again. */
  retry: boolean;
  diagnosis: { summary: string; fix?: string; resetAt?: string; retryAfterMs?: number } | null;
}

export interface LoopState {
  items: readonly PolicyItem[];
  maxAttempts: number;
  /** Iterations started by this run (a restart gets a fresh budget). */
  iterations: number;
  maxIterations: number;
  now: number;
  /** End of the loop's time limit (epoch ms), if any. */
  deadline: number | null;
  /** Why the loop was asked to stop (signal), if it was. */
  stopRequested: string | null;
  /**
   * Consecutive iterations without progress, the item of the latest, and the
   * distinct items those iterations were on (in order). The circuit is about
   * the loop as a whole: it opens when `noProgressLimit` different items in a
   * row made no progress, so one stubborn item uses all its attempts (the
   * attempts rule) and the loop goes on to the next.
   */
  noProgress: { streak: number; item: string | null; items?: readonly string[] };
  /** Distinct items in a row without progress that open the circuit. */
  noProgressLimit: number;
  /** Stop the loop as soon as an item is left failed (attempts used up), instead of going on. */
  stopOnFailure?: boolean;
  /** Consecutive rate-limit waits (for the backoff when no reset time was printed). */
  rateLimitWaits: number;
  last: LastIteration | null;
  /** Keys of items being worked on right now (parallel mode). */
  busy?: ReadonlySet<string>;
}

export type NextStep =
  | { do: "work"; item: PolicyItem }
  | { do: "wait"; ms: number; until: number; item: PolicyItem; reason: string }
  | { do: "end"; end: LoopEnd }
  /** Parallel mode: every open item is being worked on; wait for one to finish. */
  | { do: "idle" };

/** The driver's exit status for each way a loop ends: 0 only when every item is done. */
export const END_EXIT_CODES: Readonly<Record<LoopEndKind, number>> = {
  done: 0,
  failed: 1,
  paused: 3,
  auth: 4,
  "max-iterations": 5,
  timeout: 6,
  stopped: 7,
};

/** Backoff when a limit was hit and no reset time was printed: 1, 2, 4 ... 30 minutes. */
export const BACKOFF_BASE_MS = 60_000;
export const BACKOFF_MAX_MS = 30 * 60_000;
/** A reset time is a clock reading: start a little after it, not on the second. */
export const RESET_MARGIN_MS = 1_000;

export function rateLimitWaitMs(
  d: LastIteration["diagnosis"],
  now: number,
  waitsSoFar: number,
): { ms: number; how: string } {
  const reset = d?.resetAt ? Date.parse(d.resetAt) : NaN;
  if (Number.isFinite(reset) && reset > now) {
    return { ms: reset - now + RESET_MARGIN_MS, how: `until ${new Date(reset).toISOString()}` };
  }
  if (d?.retryAfterMs !== undefined && d.retryAfterMs > 0) {
    return { ms: d.retryAfterMs + RESET_MARGIN_MS, how: "as the agent was told to" };
  }
  const ms = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, waitsSoFar));
  return { ms, how: "backing off (no reset time printed)" };
}

/**
 * The circuit breaker's count after one iteration: progress resets it, none
 * adds one (and the item, if it is new to the streak), a wait leaves it.
 */
export function nextNoProgress(
  current: LoopState["noProgress"],
  progress: boolean | null,
  itemText: string,
): LoopState["noProgress"] {
  if (progress === true) return { streak: 0, item: null, items: [] };
  if (progress === false) {
    const items = current.items ?? [];
    return {
      streak: current.streak + 1,
      item: itemText,
      items: items.includes(itemText) ? items : [...items, itemText],
    };
  }
  return current;
}

/** An item that will not be worked on again and is not done: attempts used up, or a conflict. */
function failedForGood(i: PolicyItem, maxAttempts: number): boolean {
  return i.state !== "done" && i.state !== "running" && !isOpen(i, maxAttempts);
}

export function nextStep(s: LoopState): NextStep {
  const end = (kind: LoopEndKind, detail: string, fix?: string): NextStep => ({
    do: "end",
    end: fix === undefined ? { kind, detail } : { kind, detail, fix },
  });
  if (s.stopRequested !== null) {
    return s.stopRequested === "timeout"
      ? end("timeout", "the loop's time limit (--timeout) was reached")
      : end("stopped", `the loop was stopped (${s.stopRequested})`);
  }
  if (s.last?.stop) {
    const d = s.last.diagnosis;
    return end(
      "auth",
      `stopped: the agent could not authenticate${d ? ` (${d.summary})` : ""}`,
      d?.fix ?? "log the agent in, then: agentmux restart <loop>",
    );
  }
  const present = s.items.filter((i) => i.present);
  const open = present.filter((i) => i.state === "running" || isOpen(i, s.maxAttempts));
  if (open.length === 0) {
    const done = present.filter((i) => i.state === "done").length;
    return done === present.length
      ? end("done", "every item is done")
      : end("failed", "every item has been tried; not all of them are done");
  }
  // Only an item this run just finished stops it: on a restart, items left
  // failed by an earlier run do not stop the loop before it starts.
  const lastItem = s.last ? present.find((i) => i.key === s.last?.itemKey) : undefined;
  if (s.stopOnFailure === true && lastItem && failedForGood(lastItem, s.maxAttempts)) {
    return end(
      "failed",
      `stopped: "${lastItem.text}" is left ${lastItem.state} after ${lastItem.attempts} attempt(s) (--stop-on-failure)`,
      "look at the item and the agent's output (agentmux tail), fix what blocks it, then: agentmux restart <loop>",
    );
  }
  const stuck = s.noProgress.items ?? [];
  if (stuck.length >= s.noProgressLimit) {
    return end(
      "paused",
      `paused: ${stuck.length} items in a row made no progress (${s.noProgress.streak} iterations), the last on "${s.noProgress.item ?? "?"}"`,
      "look at the items and the agent's output (agentmux tail), fix what blocks them, then: agentmux restart <loop>",
    );
  }
  if (s.deadline !== null && s.now >= s.deadline) {
    return end("timeout", "the loop's time limit (--timeout) was reached");
  }
  if (s.iterations >= s.maxIterations) {
    return end(
      "max-iterations",
      `stopped after ${s.iterations} iterations (--max-iterations)`,
      "agentmux restart <loop> continues with a fresh budget",
    );
  }
  const busy = s.busy ?? new Set<string>();
  const retry = s.last?.retry ? present.find((i) => i.key === s.last?.itemKey) : undefined;
  if (retry && !busy.has(retry.key) && isOpen(retry, s.maxAttempts)) {
    const wait = rateLimitWaitMs(s.last?.diagnosis ?? null, s.now, s.rateLimitWaits);
    const ms = s.deadline === null ? wait.ms : Math.min(wait.ms, Math.max(0, s.deadline - s.now));
    return {
      do: "wait",
      ms,
      until: s.now + ms,
      item: retry,
      reason: `rate or usage limit: waiting ${wait.how}, then the same item again (no attempt used)`,
    };
  }
  const item = present.find((i) => !busy.has(i.key) && isOpen(i, s.maxAttempts));
  if (item === undefined) {
    // Everything open is being worked on (parallel mode): nothing new to start.
    return { do: "idle" };
  }
  return { do: "work", item };
}
