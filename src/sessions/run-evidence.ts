import type { RunRow } from "../store/store.js";
import { gatherEvidence } from "../verify/evidence.js";
import { prdEvidence } from "../verify/prd-evidence.js";
import type { SessionSpec } from "./spec.js";
import type { Evidence } from "./types.js";

/** A run's evidence as the finisher and `agentmux verify` both judge it: git, plus PRD ticks for --prd runs. */
export async function runEvidence(spec: SessionSpec, run: RunRow): Promise<Evidence> {
  const evidence = await gatherEvidence({
    cwd: spec.cwd,
    startCommit: run.startCommit,
    logPath: run.logPath,
  });
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
