import { readFileSync } from "node:fs";
import { runFile, writeRunFile } from "./files.js";

/** How a loop can end, as its driver decides (loop/policy.ts); "lost" is the finisher's, when the driver said nothing. */
export type LoopEndKind =
  "done" | "failed" | "paused" | "auth" | "max-iterations" | "timeout" | "stopped";

export interface LoopEnd {
  kind: LoopEndKind;
  /** One sentence: why the loop ended (without the item counts; the report adds them). */
  detail: string;
  fix?: string;
}

/**
 * How a loop run ended, for the finisher (`_finish`, sessions/judge.ts):
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
