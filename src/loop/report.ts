import { readFileSync } from "node:fs";
import type { Diagnosis } from "../diagnose/types.js";
import type { LoopItemRow, SessionRow, Store } from "../store/store.js";
import { loopStatus, type LoopStatus } from "./items.js";
import type { LoopEnd, LoopEndKind } from "./policy.js";
import { runFile, writeRunFile } from "../rundir/files.js";

/**
 * How a loop run ended, for the finisher (`_finish`, sessions/finish.ts):
 * the driver writes RUNDIR/loop-end.json just before it exits; the finisher
 * turns it and the items in the store into the run's diagnosis and the
 * notification's "k/n items done". A driver killed with SIGKILL writes
 * nothing: the items alone then tell the story.
 */
export function writeLoopEnd(runDir: string, end: LoopEnd): void {
  writeRunFile(runDir, "loop-end.json", `${JSON.stringify(end)}\n`);
}

export function readLoopEnd(runDir: string): LoopEnd | null {
  try {
    const v = JSON.parse(readFileSync(runFile(runDir, "loop-end.json"), "utf8")) as LoopEnd;
    return typeof v.kind === "string" && typeof v.detail === "string" ? v : null;
  } catch {
    return null; // the driver did not get to write it (killed, or could not start)
  }
}

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

/** The report for one loop run, from the store and the run directory (for the finisher). */
export function reportForRun(
  store: Store,
  session: SessionRow,
  runDir: string,
  killed: boolean,
): LoopReport | null {
  const settings = session.spec.loop;
  if (!settings) return null;
  const report = loopReport(
    store.listLoopItems(session.id),
    settings.attempts,
    store.countIterations({ sessionId: session.id }),
    readLoopEnd(runDir),
    killed,
  );
  const fix = report.diagnosis.fix;
  if (fix) report.diagnosis.fix = fix.replaceAll("<loop>", session.name);
  return report;
}
