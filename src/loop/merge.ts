/**
 * Merging a verified item's branch into the loop's base branch, in the main
 * working tree, one merge at a time across processes (two loops may share a repo).
 *
 * The main working tree may be the user's: they can be editing files while
 * the loop runs. So every refusal is decided before git touches the tree:
 * the merge is previewed in memory (merge-tree), and files the merge would
 * write that are dirty in the main tree make it a conflict with that reason
 * — agentmux never clobbers uncommitted work and never stashes it. Only a
 * merge that still fails after that (a race with the user) is aborted with
 * `git merge --abort`, which puts back exactly what was there.
 */
import {
  abortMerge,
  changedOnBranch,
  mergeInProgress,
  mergeNoFf,
  previewMerge,
} from "../git/merge.js";
import type { GitOptions } from "../git/exec.js";
import { withRepoLock } from "../git/repo-lock.js";
import { statusSnapshot } from "../git/status.js";
import { requireGitCommonDir } from "../git/worktree.js";
import { headCommit } from "../git/git.js";

export interface MergeRequest {
  /** Top of the main working tree (where the base branch is checked out). */
  repo: string;
  /** The loop's base branch. */
  base: string;
  /** The item's branch. */
  branch: string;
  /** The merge commit's message. */
  message: string;
}

export type MergeResult =
  { merged: true; commit: string } | { merged: false; reason: string; files: string[] };

const list = (files: readonly string[]): string =>
  files.slice(0, 5).join(", ") + (files.length > 5 ? `, … (${files.length} files)` : "");

/** Merge under the repository's merge lock. Never throws for a refusal: that is a result. */
export async function mergeItemBranch(
  req: MergeRequest,
  opts: GitOptions = {},
): Promise<MergeResult> {
  const common = await requireGitCommonDir(req.repo, opts);
  return withRepoLock(common, "merge", () => mergeLocked(req, opts));
}

async function mergeLocked(req: MergeRequest, opts: GitOptions): Promise<MergeResult> {
  const { repo, base, branch } = req;
  const refuse = (reason: string, files: string[] = []): MergeResult => ({
    merged: false,
    reason,
    files,
  });

  const snap = await statusSnapshot(repo, opts);
  if (snap.branch !== base) {
    return refuse(
      `the main working tree is on ${snap.branch ?? "a detached HEAD"}, not the loop's base branch ${base}; merge ${branch} by hand`,
    );
  }
  if (await mergeInProgress(repo, opts)) {
    return refuse(
      `a merge is already in progress in ${repo}; finish it, then merge ${branch} by hand`,
    );
  }

  const preview = await previewMerge(repo, base, branch, opts);
  if (preview.supported && !preview.clean) {
    return refuse(
      `merging ${branch} into ${base} conflicts in ${list(preview.conflicts)}`,
      preview.conflicts,
    );
  }

  // What the merge would write in the main tree, against what is uncommitted
  // there (modified, staged or untracked): git would refuse some of these
  // cases on its own, but deciding here keeps the tree untouched and the reason clear.
  const touched = new Set(await changedOnBranch(repo, base, branch, opts));
  const clash = snap.files.filter((f) => touched.has(f));
  if (clash.length > 0) {
    return refuse(
      `the main working tree has uncommitted changes in ${list(clash)}, which merging ${branch} would overwrite; commit or stash them, then merge ${branch} by hand`,
      clash,
    );
  }

  const res = await mergeNoFf(repo, branch, req.message, opts);
  if (!res.ok) {
    if (await mergeInProgress(repo, opts)) await abortMerge(repo, opts);
    return refuse(`merging ${branch} into ${base} failed: ${res.message}`);
  }
  const commit = await headCommit(repo, opts);
  return { merged: true, commit: commit ?? "" };
}
