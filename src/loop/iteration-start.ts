import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { headCommit } from "../git/git.js";
import { headBranchFromFiles, headFromFiles } from "../git/head-file.js";
import { parseChecklist, type Checklist } from "../prd/checklist.js";
import { ITERATION_DIR_PREFIX } from "../rundir/files.js";
import { iterationSpec } from "../sessions/agent-launch.js";
import type { SessionSpec } from "../sessions/spec.js";
import type { IterationRow, LoopItemRow } from "../store/store.js";
import { paneLine } from "./progress.js";
import { buildPrompt } from "./prompt.js";
import type { LoopRuntime } from "./runtime.js";

/** Where an iteration works: the main working tree, or an item's own worktree. */
export interface Workplace {
  /** Top directory of the tree (the repository, or the worktree). */
  top: string;
  /** The agent's cwd in it. */
  cwd: string;
  /** Parallel mode: the item's branch. */
  branch?: string;
  /** Whether ticking a done item's box happens here (serial) or after the merge (parallel). */
  tickDone: boolean;
}

/** The PRD's bytes and items at one moment. */
export interface PrdSnapshot {
  bytes: Buffer;
  list: Checklist;
}

/** One iteration before its agent starts: its row, its files, and the tree as the agent finds it. */
export interface IterationStart {
  item: LoopItemRow;
  where: Workplace;
  iteration: IterationRow;
  /** The agent's spec: the loop's agent with the iteration's prompt, in this workplace. */
  spec: SessionSpec;
  /** The PRD in this tree. */
  prdAbs: string;
  /** The PRD as the agent found it (null: unreadable). */
  before: PrdSnapshot | null;
  startCommit: string | null;
  /** The branch the work must land on (undefined: not known without asking git). */
  startBranch: string | null | undefined;
  /** RUNDIR/iteration-<id>/ and the prompt and output log in it. */
  dir: string;
  promptFile: string;
  logPath: string;
  /** A line for the pane about this item and attempt. */
  line(text: string, elapsedMs?: number): string;
}

export function readChecklist(path: string): PrdSnapshot | null {
  try {
    const bytes = readFileSync(path);
    return { bytes, list: parseChecklist(bytes) };
  } catch {
    return null; // the agent deleted or renamed the PRD: there is nothing to compare or tick
  }
}

/**
 * Step 1, prepare: the PRD and HEAD as the agent will find them, the
 * iteration's row in the store (its attempt number comes from there), its
 * directory and its prompt.
 */
export async function beginIteration(
  rt: LoopRuntime,
  item: LoopItemRow,
  where: Workplace,
  position: { index: number; total: number },
): Promise<IterationStart> {
  const { store, settings } = rt;
  const prdAbs = join(where.top, rt.prdRel);
  const before = readChecklist(prdAbs);
  // Read from the repository's files where it can (no git process): this is per-item overhead.
  const startCommit = headFromFiles(where.top) ?? (await headCommit(where.cwd).catch(() => null));
  // The branch the work must land on: the item's own (parallel), or the one checked out now.
  const startBranch = where.branch ?? headBranchFromFiles(where.top);
  const iteration = store.startIteration({
    runId: rt.run.id,
    sessionId: rt.session.id,
    itemKey: item.key,
    itemText: item.text,
    itemIndex: item.index,
    startCommit,
    ...(where.branch ? { worktree: where.top } : {}),
  });
  const line = (text: string, elapsedMs?: number): string =>
    paneLine({
      index: position.index,
      total: position.total,
      attempt: iteration.attempt,
      maxAttempts: settings.attempts,
      item: item.text,
      text,
      ...(elapsedMs === undefined ? {} : { elapsedMs }),
    });

  const dir = join(rt.run.runDir, `${ITERATION_DIR_PREFIX}${iteration.id}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const promptFile = join(dir, "prompt");
  writeFileSync(
    promptFile,
    buildPrompt({
      prdPath: rt.prdRel,
      progressPath: rt.progressRel,
      item: item.text,
      position,
      attempt: iteration.attempt,
      maxAttempts: settings.attempts,
      ...(settings.check ? { check: settings.check } : {}),
      previous: item.attempts > 0 ? item.reason : null,
      ...(where.branch ? { branch: where.branch } : {}),
      ...(rt.guard ? { protect: rt.guard.paths.map((x) => x.path) } : {}),
    }),
    { mode: 0o600 },
  );
  return {
    item,
    where,
    iteration,
    spec: { ...iterationSpec(rt.spec), cwd: where.cwd },
    prdAbs,
    before,
    startCommit,
    startBranch,
    dir,
    promptFile,
    logPath: join(dir, "output.log"),
    line,
  };
}
