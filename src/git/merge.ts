/**
 * Merging a branch into the checked-out branch of a working tree, and the
 * questions asked before doing it. git syntax only; when to merge, and what
 * a refusal means for a loop item, is src/loop/merge.ts.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { assertRev, gitFailed, runGit, splitZ, type GitOptions } from "./exec.js";
import { assertBranch } from "./worktree.js";

// A user's diff.relative=true would make paths relative to cwd.
const DIFF_CONFIG = ["diff.relative=false"];
// Merges and commits agentmux makes must not open an editor or ask for a signature passphrase.
const COMMIT_CONFIG = ["core.editor=true", "commit.gpgSign=false"];

export type MergePreview =
  | { supported: true; clean: boolean; conflicts: string[] }
  /** git < 2.38 has no `merge-tree --write-tree`: the merge itself will tell. */
  | { supported: false };

/**
 * Merge `theirs` into `ours` in memory (git >= 2.38), touching no working
 * tree and no ref: whether it would conflict, and in which files.
 */
export async function previewMerge(
  repo: string,
  ours: string,
  theirs: string,
  opts: GitOptions = {},
): Promise<MergePreview> {
  assertRev(ours);
  assertRev(theirs);
  const args = ["merge-tree", "--write-tree", "--no-messages", "--name-only", "-z", ours, theirs];
  const res = await runGit(repo, args, opts);
  // Exit 1 is "conflicts"; 129 is a git that does not know --write-tree.
  if (res.exitCode === 129) return { supported: false };
  if (res.exitCode !== 0 && res.exitCode !== 1) throw gitFailed(repo, args, res);
  const [, ...files] = splitZ(res.stdout);
  return { supported: true, clean: res.exitCode === 0, conflicts: [...new Set(files)].sort() };
}

/** Paths `theirs` changed since it forked from `ours` (what a merge may write in the working tree). */
export async function changedOnBranch(
  repo: string,
  ours: string,
  theirs: string,
  opts: GitOptions = {},
): Promise<string[]> {
  assertRev(ours);
  assertRev(theirs);
  const args = ["diff", "--name-only", "-z", "--no-renames", `${ours}...${theirs}`, "--"];
  const res = await runGit(repo, args, { ...opts, config: DIFF_CONFIG });
  if (res.exitCode !== 0) throw gitFailed(repo, args, res);
  return [...new Set(splitZ(res.stdout))].sort();
}

export async function mergeBase(
  repo: string,
  a: string,
  b: string,
  opts: GitOptions = {},
): Promise<string | null> {
  assertRev(a);
  assertRev(b);
  const res = await runGit(repo, ["merge-base", a, b], opts);
  return res.exitCode === 0 ? res.stdout.trim() : null;
}

/** Whether a merge is in progress in this working tree (the user's, or one that was interrupted). */
export async function mergeInProgress(repo: string, opts: GitOptions = {}): Promise<boolean> {
  const res = await runGit(repo, ["rev-parse", "--quiet", "--verify", "MERGE_HEAD"], opts);
  return res.exitCode === 0;
}

export type MergeOutcome = { ok: true } | { ok: false; message: string };

/** `git merge --no-ff` of `branch` into what `repo` has checked out: always a merge commit naming the item. */
export async function mergeNoFf(
  repo: string,
  branch: string,
  message: string,
  opts: GitOptions = {},
): Promise<MergeOutcome> {
  assertBranch(branch);
  const args = ["merge", "--no-ff", "--no-edit", "--no-stat", "-m", message, branch];
  const res = await runGit(repo, args, { ...opts, config: COMMIT_CONFIG });
  if (res.exitCode === 0) return { ok: true };
  const text = `${res.stdout}\n${res.stderr}`
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  return { ok: false, message: text.slice(0, 6).join(" ") || `exit ${res.exitCode}` };
}

/** `git merge --abort`: back to the state before the merge began. */
export async function abortMerge(repo: string, opts: GitOptions = {}): Promise<void> {
  const args = ["merge", "--abort"];
  const res = await runGit(repo, args, opts);
  if (res.exitCode !== 0) throw gitFailed(repo, args, res);
}

/**
 * Make `paths` on the branch checked out in `worktree` the same as at
 * `base` again, committing that (only those paths) when it changes
 * anything. Used for files the loop owns (the PRD, the progress notes): an
 * agent's edits to them are the loop's business and must not be merged.
 * Returns whether a commit was made.
 */
export async function restorePaths(
  worktree: string,
  base: string,
  paths: readonly string[],
  message: string,
  opts: GitOptions = {},
): Promise<boolean> {
  assertRev(base);
  const touched: string[] = [];
  for (const path of paths) {
    const inBase =
      (await runGit(worktree, ["cat-file", "-e", `${base}:${path}`], opts)).exitCode === 0;
    const inHead =
      (await runGit(worktree, ["cat-file", "-e", `HEAD:${path}`], opts)).exitCode === 0;
    if (inBase) {
      const args = ["checkout", base, "--", path];
      const res = await runGit(worktree, args, opts);
      if (res.exitCode !== 0) throw gitFailed(worktree, args, res);
    } else if (inHead) {
      const args = ["rm", "-q", "-f", "--", path];
      const res = await runGit(worktree, args, opts);
      if (res.exitCode !== 0) throw gitFailed(worktree, args, res);
    } else if (existsSync(join(worktree, path))) {
      rmSync(join(worktree, path), { force: true }); // untracked, never committed: nothing to merge
    }
    if (inBase || inHead) touched.push(path);
  }
  if (touched.length === 0) return false;
  const staged = await runGit(
    worktree,
    ["diff", "--cached", "--quiet", "HEAD", "--", ...touched],
    opts,
  );
  if (staged.exitCode === 0) return false;
  // --no-verify: a bookkeeping commit of agentmux's own, not the agent's work for the hooks to judge.
  const args = ["commit", "-q", "--no-verify", "-m", message, "--", ...touched];
  const res = await runGit(worktree, args, { ...opts, config: COMMIT_CONFIG });
  if (res.exitCode !== 0) throw gitFailed(worktree, args, res);
  return true;
}

/**
 * Throw away uncommitted changes to `paths` in `worktree` (tracked files back
 * to HEAD, untracked ones deleted). Only for files the loop owns, in a
 * worktree agentmux made: its copy of the PRD and notes is never the truth.
 */
export async function discardPaths(
  worktree: string,
  paths: readonly string[],
  opts: GitOptions = {},
): Promise<void> {
  for (const path of paths) {
    const tracked =
      (await runGit(worktree, ["cat-file", "-e", `HEAD:${path}`], opts)).exitCode === 0;
    if (tracked) {
      const args = ["checkout", "HEAD", "--", path];
      const res = await runGit(worktree, args, opts);
      if (res.exitCode !== 0) throw gitFailed(worktree, args, res);
    } else {
      rmSync(join(worktree, path), { force: true });
    }
  }
}
