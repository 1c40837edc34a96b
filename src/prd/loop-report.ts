import type { Diagnosis } from "../diagnose/types.js";
import type { LoopEnd, LoopEndKind } from "../rundir/loop-end.js";
import type { LoopItemRow } from "../store/store.js";
import { loopStatus, type LoopStatus } from "./item-status.js";

/**
 * A loop run's end report: the diagnosis the finisher records for it and
 * the "k/n items done" its notification carries. Pure: the items, the
 * driver's end record (rundir/loop-end.ts; null when it was killed before
 * writing one) and whether it was killed in, the report out.
 */

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** `3/4 items done` */
export function progressText(s: Pick<LoopStatus, "done" | "total">): string {
  return `${s.done}/${s.total} item${s.total === 1 ? "" : "s"} done`;
}

/** The items that did not make it, named: `"Add docs" unverified (ticked its box without ...)`. */
export function unfinishedText(s: LoopStatus, max = 3): string {
  const bad = s.items.filter((i) => i.state !== "done" && i.state !== "pending");
  const named = bad
    .slice(0, max)
    .map((i) => `"${clip(i.text, 60)}" ${i.state}${i.reason ? ` (${clip(i.reason, 100)})` : ""}`);
  if (bad.length > max) named.push(`${bad.length - max} more`);
  return named.join("; ");
}

export interface LoopReport {
  status: LoopStatus;
  /** For the notification line: `3/4 items done`. */
  progress: string;
  diagnosis: Diagnosis;
}

/** The run's diagnosis for a loop: how it ended, the counts, and the items that failed. */
export function loopReport(
  items: readonly LoopItemRow[],
  maxAttempts: number,
  iterations: number,
  end: LoopEnd | null,
  killed: boolean,
): LoopReport {
  const status = loopStatus(items, maxAttempts, iterations);
  const progress = progressText(status);
  const kind: LoopEndKind | "lost" =
    end?.kind ?? (killed ? "stopped" : status.done === status.total ? "done" : "lost");
  // The counts are in the notification line already (NotifyEvent.loop) and in `status`.
  const parts: string[] = [];
  if (end) parts.push(end.detail);
  else if (killed) parts.push("the loop was stopped");
  else if (kind === "lost") parts.push("the loop driver ended without saying why");
  const unfinished = unfinishedText(status);
  if (unfinished) parts.push(unfinished);
  const diagnosis: Diagnosis = { code: `loop-${kind}`, summary: parts.join("; ") };
  if (end?.fix) diagnosis.fix = end.fix;
  else if (kind !== "done") diagnosis.fix = "agentmux status <loop> shows every item and why";
  return { status, progress, diagnosis };
}
