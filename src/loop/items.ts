import type { LoopItemRow } from "../store/store.js";
import { isOpen } from "../prd/item-status.js";

// Counting items is shared with ls, status and the finisher (prd/item-status.ts).
export { isOpen, loopCounts, loopStatus, type LoopStatus } from "../prd/item-status.js";

/**
 * Which item a loop works on next, and when it is finished. Pure: the items
 * as the store has them in, a decision out.
 */

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

/** Whether every item is finished (done, or failed for good). */
export function allFinished(items: readonly LoopItemRow[], maxAttempts: number): boolean {
  return items.every((i) => !i.present || (i.state !== "running" && !isOpen(i, maxAttempts)));
}
