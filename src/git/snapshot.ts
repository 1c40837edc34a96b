import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { assertRev, gitFailed, runGit, splitZ, type GitOptions } from "./exec.js";

/**
 * The working tree as one git tree object: HEAD plus every uncommitted
 * change, untracked files included (ignored ones not). Written through a
 * private copy of the index, so the user's staging area is never touched;
 * the blobs land in the object store like any `git add` (unreferenced, git
 * prunes them in time). A run's end is recorded this way, so `verify` can
 * judge the run's work as it was when it ended, and tell apart what changed
 * in the tree afterwards.
 *
 * Null outside a repository. Copying the real index first keeps git's stat
 * cache: only files that changed are hashed, not the whole tree.
 */
export async function worktreeTree(cwd: string, opts: GitOptions = {}): Promise<string | null> {
  const where = await runGit(cwd, ["rev-parse", "--git-path", "index"], opts);
  if (where.notRepo) return null;
  if (where.exitCode !== 0) throw gitFailed(cwd, ["rev-parse"], where);
  const real = where.stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), "agentmux-index-"));
  const indexFile = join(dir, "index");
  try {
    let copied = true;
    try {
      copyFileSync(isAbsolute(real) ? real : resolve(cwd, real), indexFile);
    } catch {
      copied = false; // no index yet (a fresh repository): start from HEAD, or empty
    }
    if (!copied) {
      const read = await runGit(cwd, ["read-tree", "HEAD"], { ...opts, indexFile });
      if (read.exitCode !== 0) await runGit(cwd, ["read-tree", "--empty"], { ...opts, indexFile });
    }
    // ":/" is the top of the working tree, whatever cwd is.
    const addArgs = ["add", "--all", "--", ":/"];
    const add = await runGit(cwd, addArgs, { ...opts, indexFile });
    if (add.exitCode !== 0) throw gitFailed(cwd, addArgs, add);
    const write = await runGit(cwd, ["write-tree"], { ...opts, indexFile });
    if (write.exitCode !== 0) throw gitFailed(cwd, ["write-tree"], write);
    return write.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Repo-relative paths that differ between two trees (or commits), sorted. */
export async function treeDiff(
  cwd: string,
  from: string,
  to: string,
  opts: GitOptions = {},
): Promise<string[]> {
  assertRev(from);
  assertRev(to);
  const args = ["diff-tree", "-r", "--name-only", "-z", "--no-renames", from, to, "--"];
  const res = await runGit(cwd, args, opts);
  if (res.notRepo) return [];
  if (res.exitCode !== 0) throw gitFailed(cwd, args, res);
  return [...new Set(splitZ(res.stdout))].sort();
}
