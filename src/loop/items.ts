import type { ItemState, LoopItemRow } from "../store/store.js";

/**
 * Which item a loop works on next, and when it is finished. Pure: the items
 * as the store has them in, a decision out.
 */

/** Whether an item will be worked on (again): pending, or failed with attempts left. */
export function isOpen(
  item: Pick<LoopItemRow, "state" | "attempts">,
  maxAttempts: number,
): boolean {
  if (item.state === "pending") return true;
  if (item.state === "failed" || item.state === "unverified") return item.attempts < maxAttempts;
  return false;
}

/**
 * The next item in PRD order that is open and not being worked on right now
 * (`busy`: keys of items running in this driver, parallel mode). A failed item
 * is retried before later items are started: the order of a PRD usually matters.
 */
export function pickNext(
  items: readonly LoopItemRow[],
  maxAttempts: number,
  busy: ReadonlySet<string> = new Set(),
): LoopItemRow | undefined {
  return items.find((i) => i.present && !busy.has(i.key) && isOpen(i, maxAttempts));
}

export interface LoopStatus {
  total: number;
  done: number;
  /** Left failed (attempts used up), unverified with no attempts left, or in conflict. */
  failed: number;
  /** Not finished yet (pending, running, or failed with attempts left). */
  pending: number;
  /** Iterations so far, over every run of the loop. */
  iteration: number;
  currentItem: string | null;
  items: {
    text: string;
    state: ItemState;
    attempts: number;
    commits: number;
    checkPassed: boolean | null;
    reason: string | null;
  }[];
}

export function loopStatus(
  items: readonly LoopItemRow[],
  maxAttempts: number,
  iterations: number,
): LoopStatus {
  const present = items.filter((i) => i.present);
  const done = present.filter((i) => i.state === "done").length;
  const open = present.filter((i) => i.state === "running" || isOpen(i, maxAttempts)).length;
  const running = present.filter((i) => i.state === "running");
  return {
    total: present.length,
    done,
    failed: present.length - done - open,
    pending: open,
    iteration: iterations,
    currentItem: running.length > 0 ? running.map((i) => i.text).join(" | ") : null,
    items: present.map((i) => ({
      text: i.text,
      state: i.state,
      attempts: i.attempts,
      commits: i.commits,
      checkPassed: i.checkPassed,
      reason: i.reason,
    })),
  };
}

/** Whether every item is finished (done, or failed for good). */
export function allFinished(items: readonly LoopItemRow[], maxAttempts: number): boolean {
  return items.every((i) => !i.present || (i.state !== "running" && !isOpen(i, maxAttempts)));
}

/** The counts alone (for `ls`): states and attempts of one loop's present items. */
export function loopCounts(
  items: readonly Pick<LoopItemRow, "state" | "attempts">[],
  maxAttempts: number,
): Pick<LoopStatus, "total" | "done" | "failed" | "pending"> {
  const done = items.filter((i) => i.state === "done").length;
  const open = items.filter((i) => i.state === "running" || isOpen(i, maxAttempts)).length;
  return { total: items.length, done, failed: items.length - done - open, pending: open };
}
