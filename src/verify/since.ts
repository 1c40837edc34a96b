import { commitsBetween, headCommit, type Commit, type GitOptions } from "../git/git.js";
import { isAncestor } from "../git/guard.js";
import { treeDiff, worktreeTree } from "../git/snapshot.js";
import type { Evidence } from "./types.js";

/**
 * A run's record of its end, kept in its evidence: the commit HEAD was at
 * (Evidence.headCommit) and, when the tree had uncommitted changes, the tree
 * they made (git/snapshot.ts). `verify` judges that record, never today's
 * tree: a run that changed nothing stays `no-changes` when the user edits a
 * file afterwards. What changed since is reported beside it.
 */
export type RecordedEvidence = Evidence & {
  /** The working tree at the end as a git tree; null/absent: clean (HEAD's tree), or not recorded. */
  endTree?: string | null;
};

/** Record the working tree at the run's end, when it differs from HEAD (a clean tree costs nothing). */
export async function recordEnd(
  cwd: string,
  evidence: RecordedEvidence,
  dirty: boolean,
  opts: GitOptions = {},
): Promise<void> {
  if (!evidence.isRepo || !dirty) return;
  // Best effort: a record without the tree is still judged; only "since" is then approximate.
  evidence.endTree = await worktreeTree(cwd, opts).catch(() => null);
}

export interface SinceEnd {
  /** Commits made on top of the run's end commit. */
  commits: Commit[];
  /** Files that differ between the tree as the run left it and the tree now. */
  files: string[];
  /** HEAD no longer descends from the run's end commit (reset, rebase, amend since). */
  rewritten: boolean;
  /**
   * False when the run left uncommitted changes but no record of them (a run
   * recorded by an older version): `files` then includes those changes.
   */
  exact: boolean;
}

export async function changesSinceEnd(
  cwd: string,
  recorded: RecordedEvidence,
  opts: GitOptions = {},
): Promise<SinceEnd | null> {
  if (!recorded.isRepo) return null;
  const end = recorded.headCommit;
  const [now, head] = await Promise.all([
    worktreeTree(cwd, opts),
    headCommit(cwd, opts).catch(() => null),
  ]);
  if (now === null) return null; // no longer a repository
  let commits: Commit[] = [];
  let rewritten = false;
  if (end !== null && head !== null && head !== end) {
    if (await isAncestor(cwd, end, head, opts))
      commits = await commitsBetween(cwd, end, head, opts);
    else rewritten = true;
  }
  const dirtyAtEnd = recorded.uncommitted.length > 0;
  const base = recorded.endTree ?? end;
  const files = base === null ? [] : await treeDiff(cwd, base, now, opts).catch(() => []);
  return { commits, files, rewritten, exact: recorded.endTree != null || !dirtyAtEnd };
}
