import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { commitsWithFiles } from "../git/commit-files.js";
import { topLevel } from "../git/git.js";
import { checkPrdTicks, type PrdTicks } from "./prd-ticks.js";
import { runFile } from "../rundir/files.js";

/**
 * The PRD side of a run's evidence, for runs given `--prd` (ralphy, or any
 * agent working a checklist on its own): the PRD as it was at launch is kept
 * in the run directory, and at the end compared with the PRD now and the
 * commits since the start commit (prd-ticks.ts).
 */
// ralphy's own notes; its agent commits them alongside the PRD tick.
const BOOKKEEPING = ["progress.txt", ".ralphy/progress.txt"];

/** Keep the PRD's launch-time bytes (best effort: a missing PRD is the agent's error to report). */
export function snapshotPrd(runDir: string, cwd: string, prdPath: string): void {
  const abs = resolve(cwd, prdPath);
  if (existsSync(abs)) copyFileSync(abs, runFile(runDir, "prd-start"));
}

export async function prdEvidence(opts: {
  runDir: string;
  cwd: string;
  prdPath: string;
  startCommit: string | null;
}): Promise<PrdTicks | null> {
  let before: Buffer;
  let after: Buffer;
  try {
    before = readFileSync(runFile(opts.runDir, "prd-start"));
    after = readFileSync(resolve(opts.cwd, opts.prdPath));
  } catch {
    return null; // no snapshot (older run, purged run dir) or the PRD is gone: nothing to compare
  }
  const top = await topLevel(opts.cwd);
  if (top === null) return null;
  const commits = await commitsWithFiles(opts.cwd, opts.startCommit, "HEAD").catch(() => []);
  return checkPrdTicks({
    path: relative(top, resolve(opts.cwd, opts.prdPath)),
    before,
    after,
    commits,
    bookkeeping: BOOKKEEPING,
  });
}
