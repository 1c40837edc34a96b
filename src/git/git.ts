/**
 * The git adapter: the only code that knows git syntax. Every function is
 * read-only, takes the directory to ask about, and an optional base
 * environment (tests pass an isolated one).
 *
 * "Not a repository" is an expected answer, never an error: predicates say
 * false, lookups say null, lists are empty. Any other git failure throws
 * AgentmuxError("git").
 */
import { assertRev, gitFailed, runGit, splitZ, type GitOptions } from "./exec.js";
import { statusSnapshot } from "./status.js";
import { isAbsolute, resolve } from "node:path";

export type { GitOptions } from "./exec.js";
export { statusSnapshot, parseStatusV2, type StatusSnapshot } from "./status.js";

export interface Commit {
  sha: string;
  subject: string;
}

// A user's log.showSignature=true would mix gpg output into stdout.
const LOG_FLAGS = ["--no-show-signature", "--no-color", "-z"];
// A user's diff.relative=true would make paths relative to cwd and hide the
// rest of the repo (--no-relative itself needs git >= 2.28).
const DIFF_CONFIG = ["diff.relative=false"];

export async function isRepo(cwd: string, opts: GitOptions = {}): Promise<boolean> {
  const args = ["rev-parse", "--is-inside-work-tree"];
  const res = await runGit(cwd, args, opts);
  if (res.notRepo) return false;
  if (res.exitCode !== 0) throw gitFailed(cwd, args, res);
  // "false" inside .git or a bare repository: no working tree to verify.
  return res.stdout.trim() === "true";
}

/** Absolute path of the working tree's top directory, or null outside a repo. */
export async function topLevel(cwd: string, opts: GitOptions = {}): Promise<string | null> {
  const args = ["rev-parse", "--show-toplevel"];
  const res = await runGit(cwd, args, opts);
  if (res.notRepo) return null;
  if (res.exitCode !== 0) throw gitFailed(cwd, args, res);
  return chompLine(res.stdout);
}

/**
 * Absolute path of the repository's git directory shared by all its worktrees
 * (`.git` of the main tree), or null outside a repo.
 */
export async function gitCommonDir(cwd: string, opts: GitOptions = {}): Promise<string | null> {
  const args = ["rev-parse", "--git-common-dir"];
  const res = await runGit(cwd, args, opts);
  if (res.notRepo) return null;
  if (res.exitCode !== 0) throw gitFailed(cwd, args, res);
  const dir = chompLine(res.stdout);
  // git >= 2.31 has --path-format=absolute; resolving ourselves works on older ones too.
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}

/** The sha HEAD points at; null on an unborn branch (no commits yet) or outside a repo. */
export async function headCommit(cwd: string, opts: GitOptions = {}): Promise<string | null> {
  const args = ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"];
  const res = await runGit(cwd, args, opts);
  if (res.notRepo) return null;
  // --quiet --verify: exit 1 with no output when HEAD does not resolve (unborn).
  if (res.exitCode === 1 && res.stdout === "") return null;
  if (res.exitCode !== 0) throw gitFailed(cwd, args, res);
  return res.stdout.trim();
}

/** Branch name (also on an unborn branch); null when HEAD is detached or outside a repo. */
export async function currentBranch(cwd: string, opts: GitOptions = {}): Promise<string | null> {
  // symbolic-ref, not --abbrev-ref: it works before the first commit and is
  // never ambiguous with a tag of the same name.
  const args = ["symbolic-ref", "--quiet", "HEAD"];
  const res = await runGit(cwd, args, opts);
  if (res.notRepo) return null;
  if (res.exitCode === 1) return null; // detached
  if (res.exitCode !== 0) throw gitFailed(cwd, args, res);
  const ref = chompLine(res.stdout);
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
}

/** Whether `rev` names a commit present in the repository (false outside a repo). */
export async function commitExists(
  cwd: string,
  rev: string,
  opts: GitOptions = {},
): Promise<boolean> {
  assertRev(rev);
  const args = ["cat-file", "-e", `${rev}^{commit}`];
  const res = await runGit(cwd, args, opts);
  return res.exitCode === 0;
}

/**
 * Commits reachable from `to` but not from `from`, oldest first. from=null:
 * every commit reachable from `to`. If `from` is no longer an ancestor
 * (history rewritten) this is still well defined: the commits of the new
 * history that the old one did not have.
 */
export async function commitsBetween(
  cwd: string,
  from: string | null,
  to: string,
  opts: GitOptions = {},
): Promise<Commit[]> {
  const args = [
    "log",
    ...LOG_FLAGS,
    "--reverse",
    "--encoding=UTF-8",
    "--format=%H %s",
    range(from, to),
    "--",
  ];
  const res = await runGit(cwd, args, opts);
  if (res.notRepo) return [];
  if (res.exitCode !== 0) throw gitFailed(cwd, args, res);
  return splitZ(res.stdout).map((record) => {
    const space = record.indexOf(" ");
    return space < 0
      ? { sha: record, subject: "" }
      : { sha: record.slice(0, space), subject: record.slice(space + 1) };
  });
}

/**
 * Repo-relative paths that differ between `from` and `to` (the net change, so
 * a file edited and reverted is not listed; both sides of a rename are).
 * from=null: every path touched by any commit reachable from `to`.
 */
export async function filesChangedBetween(
  cwd: string,
  from: string | null,
  to: string,
  opts: GitOptions = {},
): Promise<string[]> {
  assertRev(to);
  let args: string[];
  if (from === null) {
    args = ["log", ...LOG_FLAGS, "--format=", "--name-only", "--no-renames", to, "--"];
  } else {
    assertRev(from);
    args = ["diff", "--name-only", "-z", "--no-renames", from, to, "--"];
  }
  const res = await runGit(cwd, args, { ...opts, config: DIFF_CONFIG });
  if (res.notRepo) return [];
  if (res.exitCode !== 0) throw gitFailed(cwd, args, res);
  return sortedUnique(splitZ(res.stdout));
}

/** Modified, staged, deleted, untracked (each file, not "dir/") and renamed paths; repo-relative, sorted. */
export async function uncommittedFiles(cwd: string, opts: GitOptions = {}): Promise<string[]> {
  return (await statusSnapshot(cwd, opts)).files;
}

function range(from: string | null, to: string): string {
  assertRev(to);
  if (from === null) return to;
  assertRev(from);
  return `${from}..${to}`;
}

function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** Strip the one newline git adds, keeping any other trailing characters of a path. */
function chompLine(s: string): string {
  return s.endsWith("\n") ? s.slice(0, -1) : s;
}
