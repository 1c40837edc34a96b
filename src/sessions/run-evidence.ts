import { realpathSync } from "node:fs";
import { relative, resolve } from "node:path";
import { topLevel } from "../git/git.js";
import { progressPathFor } from "../prd/progress-path.js";
import type { RunRow } from "../store/store.js";
import { gatherEvidence } from "../verify/evidence.js";
import { prdEvidence } from "../verify/prd-evidence.js";
import type { SessionSpec } from "./spec.js";
import type { Evidence } from "../verify/types.js";

/** A run's evidence as the finisher and `agentmux verify` both judge it: git, plus PRD ticks for --prd runs. */
export async function runEvidence(
  spec: SessionSpec,
  run: RunRow,
  tailAfter?: Promise<unknown>,
): Promise<Evidence> {
  const evidence = await gatherEvidence({
    cwd: spec.cwd,
    startCommit: run.startCommit,
    logPath: run.logPath,
    ...(tailAfter ? { tailAfter } : {}),
  });
  if (spec.loop !== undefined && evidence.isRepo) {
    // The loop's own ticks and progress notes are bookkeeping, reported per
    // item: counting them as "uncommitted" would read as work left behind.
    const top = await topLevel(spec.cwd).catch(() => null);
    if (top !== null) {
      const prd = realOrSame(resolve(spec.cwd, spec.loop.prd));
      const own = new Set([relative(top, prd), relative(top, progressPathFor(prd))]);
      evidence.uncommitted = evidence.uncommitted.filter((f) => !own.has(f));
    }
  }
  // A loop checks its items itself (loop/iteration.ts), one iteration at a time.
  if (spec.launch.prdPath !== undefined && spec.loop === undefined) {
    const prd = await prdEvidence({
      runDir: run.runDir,
      cwd: spec.cwd,
      prdPath: spec.launch.prdPath,
      startCommit: run.startCommit,
    });
    if (prd) evidence.prd = prd;
  }
  return evidence;
}

/** git reports paths under the real top directory; a cwd reached through a symlink must match it. */
function realOrSame(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // the PRD is gone: nothing of it to filter
  }
}
