import type { ItemState, LoopItemRow } from "../store/store.js";

/**
 * How far a loop got through its PRD: each item's state as the store keeps
 * it, counted. Pure. The loop (which item next), `ls`/`status` and the
 * finisher (the loop's end report) all count the same way.
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

/** The counts alone (for `ls`): states and attempts of one loop's present items. */
export function loopCounts(
  items: readonly Pick<LoopItemRow, "state" | "attempts">[],
  maxAttempts: number,
): Pick<LoopStatus, "total" | "done" | "failed" | "pending"> {
  const done = items.filter((i) => i.state === "done").length;
  const open = items.filter((i) => i.state === "running" || isOpen(i, maxAttempts)).length;
  return { total: items.length, done, failed: items.length - done - open, pending: open };
}
