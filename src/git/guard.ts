import { assertRev, gitFailed, runGit, splitZ, type GitOptions } from "./exec.js";

/**
 * Two questions a loop asks to tell work from gaming: does HEAD still descend
 * from where the work started (or was history rewritten under it), and did
 * the files the check depends on change since then.
 */

/**
 * Whether `ancestor` is an ancestor of `descendant` (a commit is its own
 * ancestor). False when either is not a commit in the repository: a start
 * commit rewritten away and pruned no longer has descendants.
 */
export async function isAncestor(
  cwd: string,
  ancestor: string,
  descendant: string,
  opts: GitOptions = {},
): Promise<boolean> {
  assertRev(ancestor);
  assertRev(descendant);
  const args = ["merge-base", "--is-ancestor", ancestor, descendant];
  const res = await runGit(cwd, args, opts);
  if (res.exitCode === 0) return true;
  if (res.exitCode === 1) return false;
  // 128: "Not a valid commit name" — the commit is gone.
  if (/not a valid (commit|object) name|bad object|unknown revision/i.test(res.stderr))
    return false;
  throw gitFailed(cwd, args, res);
}

/** A path the check depends on: an exact repo-relative file, or a glob ("test/**", "*.sh"). */
export interface Protected {
  path: string;
  glob: boolean;
}

/**
 * Protected paths that exist at `since` and differ from it now, in the
 * working tree (committed or not): modified, deleted or changed in type.
 * Files added since are not listed: adding a test is work, changing or
 * removing one the check relied on is not. Repo-relative, sorted.
 */
export async function protectedChanges(
  cwd: string,
  since: string,
  paths: readonly Protected[],
  opts: GitOptions = {},
): Promise<string[]> {
  assertRev(since);
  if (paths.length === 0) return [];
  // :(top) — relative to the top, whatever cwd is; literal paths never glob.
  const specs = paths.map((p) => `:(top,${p.glob ? "glob" : "literal"})${p.path}`);
  const args = [
    "diff",
    "--name-only",
    "-z",
    "--no-renames",
    "--diff-filter=DMT",
    since,
    "--",
    ...specs,
  ];
  const res = await runGit(cwd, args, { ...opts, config: ["diff.relative=false"] });
  if (res.notRepo) return [];
  if (res.exitCode !== 0) throw gitFailed(cwd, args, res);
  return [...new Set(splitZ(res.stdout))].sort();
}
