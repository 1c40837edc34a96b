import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { protectedChanges } from "../git/guard.js";
import { packageScripts, protectedPaths, tamperReason, type ProtectedPath } from "./protect.js";

/**
 * The loop's guard against work that games its judge (protect.ts decides;
 * this asks git and reads package.json). Set up once per driver run, from the
 * tree as the run found it: the run's start commit is the baseline, so the
 * check only ever judges with the files it depends on as they were when the
 * loop started. A restart takes the tree as it then is: the user restarting
 * has looked at it.
 */
export interface LoopGuard {
  /** The run's start commit; null in a repository with no commits (nothing to compare). */
  base: string | null;
  paths: ProtectedPath[];
  /** The package.json scripts the check runs, with their text at the start. */
  scripts: { name: string; text: string | null }[];
  /** Tests the latest passing check reported (for the sharp-fall rule). */
  lastTestCount: number | null;
}

function scriptText(file: string, name: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { scripts?: Record<string, unknown> };
    const v = pkg.scripts?.[name];
    return typeof v === "string" ? v : null;
  } catch {
    return null; // no package.json, or not JSON: nothing to compare
  }
}

export function setUpGuard(input: {
  top: string;
  cwdRel: string;
  check: string | undefined;
  globs: readonly string[];
  base: string | null;
  lastTestCount: number | null;
}): LoopGuard {
  const file = join(input.top, input.cwdRel, "package.json");
  const names = input.check === undefined ? [] : packageScripts(input.check);
  const scripts = names.map((name) => ({ name, text: scriptText(file, name) }));
  const paths = protectedPaths({
    check: input.check,
    scriptTexts: scripts.map((s) => s.text),
    cwdRel: input.cwdRel,
    globs: input.globs,
    isFile: (rel) => {
      try {
        return statSync(join(input.top, rel)).isFile();
      } catch {
        return false;
      }
    },
  });
  return { base: input.base, paths, scripts, lastTestCount: input.lastTestCount };
}

export interface GuardFindings {
  /** Why the iteration's history is not work (HEAD no longer descends from its start, or it left the branch). */
  rewritten: string | null;
  /** Why the check cannot be trusted for this iteration (protected files or the check's script changed). */
  tampered: string | null;
}

/**
 * Ask, after an agent exits: does HEAD still descend from the iteration's
 * start commit, is it still on the branch it started on, and are the files
 * the check depends on as they were at the loop's start? `cwd` is the
 * iteration's tree (the main tree or the item's worktree: both share the
 * baseline's history); the package.json read is the tree's own.
 */
export async function inspect(
  guard: LoopGuard | undefined,
  at: {
    cwd: string;
    top: string;
    cwdRel: string;
    startCommit: string | null;
    endCommit: string | null;
    /** HEAD no longer descends from startCommit (item-evidence.ts worked it out from the log). */
    rewritten: boolean;
    startBranch: string | null | undefined;
    endBranch: string | null;
  },
): Promise<GuardFindings> {
  let rewritten: string | null = null;
  const { startCommit: start, endCommit: end } = at;
  if (start !== null && end !== null && at.rewritten) {
    rewritten = `history was rewritten: HEAD (${end.slice(0, 8)}) no longer descends from the iteration's start commit ${start.slice(0, 8)} (reset, rebase or amend); its commits are not counted as work`;
  } else if (start !== null && end === null) {
    rewritten = `history was rewritten: HEAD no longer points at a commit (it started at ${start.slice(0, 8)})`;
  } else if (at.startBranch !== undefined && at.startBranch !== at.endBranch) {
    rewritten = `the agent left branch ${at.startBranch ?? "(detached)"} for ${at.endBranch ?? "a detached HEAD"}: its commits are not on the loop's branch`;
  }
  if (guard === undefined || guard.base === null) return { rewritten, tampered: null };
  const files =
    guard.paths.length === 0 ? [] : await protectedChanges(at.cwd, guard.base, guard.paths);
  const pkg = join(at.top, at.cwdRel, "package.json");
  const scripts = guard.scripts
    .filter((s) => scriptText(pkg, s.name) !== s.text)
    .map((s) => s.name);
  return { rewritten, tampered: tamperReason(files, scripts) };
}
