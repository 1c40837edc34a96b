/**
 * Git worktrees and branches for parallel loops: the only code that knows
 * `git worktree` syntax. Branch names come from agentmux (validated here),
 * never straight from PRD text; paths go after `--`.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { isAbsolute } from "node:path";
import { AgentmuxError, show } from "../util/errors.js";
import { assertRev, gitFailed, runGit, type GitOptions } from "./exec.js";
import { withRepoLock } from "./repo-lock.js";
import { statusSnapshot } from "./status.js";
import { gitCommonDir } from "./git.js";

export interface Worktree {
  path: string;
  head: string | null;
  /** Short branch name; null when detached. */
  branch: string | null;
  bare: boolean;
  locked: boolean;
  prunable: boolean;
}

/** Lower-case letters, digits and single dashes; at most `max` characters; never empty. */
export function slugify(text: string, max = 40): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // accents fall off: "café" -> "cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");
  return slug === "" ? "item" : slug;
}

// Stricter than git-check-ref-format on purpose: what agentmux makes is
// always this shape, so anything else is a bug or a hostile name.
const BRANCH = /^[A-Za-z0-9][A-Za-z0-9_-]*(\/[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

export function assertBranch(name: string): void {
  if (!BRANCH.test(name) || name.length > 200) {
    throw new AgentmuxError(
      "bad-value",
      `Expected a branch name of letters, digits, -, _ and /, got ${show(name)}`,
      {
        hint: "agentmux names its branches agentmux/<loop>/<item>; this is a bug if you did not pass it",
      },
    );
  }
}

/** The repository's git common dir (shared by all its worktrees), absolute. */
export async function requireGitCommonDir(repo: string, opts: GitOptions = {}): Promise<string> {
  const dir = await gitCommonDir(repo, opts);
  if (dir === null) {
    throw new AgentmuxError("git", `${show(repo)} is not in a git repository`, {
      hint: "parallel loops give each item a worktree of the repository the loop works in",
    });
  }
  return dir;
}

export async function branchExists(
  repo: string,
  branch: string,
  opts: GitOptions = {},
): Promise<boolean> {
  assertBranch(branch);
  const res = await runGit(
    repo,
    ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`],
    opts,
  );
  return res.exitCode === 0;
}

/** The sha a branch points at, or null when there is no such branch. */
export async function branchTip(
  repo: string,
  branch: string,
  opts: GitOptions = {},
): Promise<string | null> {
  assertBranch(branch);
  const res = await runGit(
    repo,
    ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`],
    opts,
  );
  return res.exitCode === 0 ? res.stdout.trim() : null;
}

/**
 * Add a worktree at `dir` on `branch`: a new branch from `base`, or (when
 * the branch exists already, e.g. a retried item) that branch as it is.
 * Serialized per repository across processes. When git fails, whatever this
 * call created (the branch, the directory, the worktree's admin entry) is
 * removed again before the error is thrown.
 */
export async function addWorktree(
  repo: string,
  input: { dir: string; branch: string; base: string },
  opts: GitOptions = {},
): Promise<{ createdBranch: boolean }> {
  const { dir, branch, base } = input;
  assertBranch(branch);
  assertRev(base);
  if (!isAbsolute(dir))
    throw new AgentmuxError("internal", `Expected an absolute path, got ${show(dir)}`);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new AgentmuxError(
      "exists",
      `Cannot add a worktree at ${dir}: the directory is not empty`,
      {
        hint: "move it aside, or run `git worktree prune` if it was a worktree",
      },
    );
  }
  const common = await requireGitCommonDir(repo, opts);
  return withRepoLock(common, "worktree", async () => {
    const existed = await branchExists(repo, branch, opts);
    // `-b NAME` takes its value as the next argument, so even a name with a
    // leading dash could not become an option; `--` ends options before the path.
    const args = existed
      ? ["worktree", "add", "--", dir, branch]
      : ["worktree", "add", "-b", branch, "--", dir, base];
    const res = await runGit(repo, args, opts);
    if (res.exitCode === 0) return { createdBranch: !existed };
    // Leave nothing behind: the admin entry, a half-checked-out directory, the new branch.
    await runGit(repo, ["worktree", "remove", "--force", "--", dir], opts);
    // The directory was absent or empty before this add: anything in it now is the failed add's.
    rmSync(dir, { recursive: true, force: true });
    if (!existed && (await branchExists(repo, branch, opts))) {
      await runGit(repo, ["branch", "-D", branch], opts);
    }
    throw gitFailed(repo, args, res);
  });
}

export type RemoveResult = { removed: true } | { removed: false; reason: string; dirty: string[] };

/**
 * Remove a worktree only when it is clean: uncommitted or untracked files
 * are somebody's work and are never deleted automatically (no --force); the
 * caller reports them instead. Its branch is kept.
 */
export async function removeWorktree(
  repo: string,
  dir: string,
  opts: GitOptions = {},
): Promise<RemoveResult> {
  // A directory already gone: only its admin entry is left (remove handles that; no prune,
  // which would also forget the user's own worktrees on an unmounted disk).
  const snap = existsSync(dir) ? await statusSnapshot(dir, opts) : { files: [] };
  if (snap.files.length > 0) {
    const shown = snap.files.slice(0, 5).join(", ") + (snap.files.length > 5 ? ", …" : "");
    return {
      removed: false,
      reason: `worktree ${dir} kept: ${snap.files.length} uncommitted file(s) (${shown})`,
      dirty: snap.files,
    };
  }
  const common = await requireGitCommonDir(repo, opts);
  // Under the add lock: removal rewrites the same admin files an add does.
  const res = await withRepoLock(common, "worktree", () =>
    runGit(repo, ["worktree", "remove", "--", dir], opts),
  );
  if (res.exitCode !== 0) {
    // git refuses a worktree that became dirty since the check, or a locked one.
    return { removed: false, reason: `worktree ${dir} kept: ${res.stderr.trim()}`, dirty: [] };
  }
  return { removed: true };
}

export async function listWorktrees(repo: string, opts: GitOptions = {}): Promise<Worktree[]> {
  const args = ["worktree", "list", "--porcelain", "-z"];
  const res = await runGit(repo, args, opts);
  if (res.exitCode !== 0) throw gitFailed(repo, args, res);
  return parseWorktreeList(res.stdout);
}

/** Parse `git worktree list --porcelain -z` (git >= 2.36): records end with an empty field. */
export function parseWorktreeList(out: string): Worktree[] {
  const list: Worktree[] = [];
  let cur: Worktree | null = null;
  for (const field of out.split("\0")) {
    if (field === "") {
      if (cur) list.push(cur);
      cur = null;
      continue;
    }
    const space = field.indexOf(" ");
    const key = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? "" : field.slice(space + 1);
    if (key === "worktree") {
      cur = { path: value, head: null, branch: null, bare: false, locked: false, prunable: false };
      continue;
    }
    if (!cur) continue;
    if (key === "HEAD") cur.head = value;
    else if (key === "branch")
      cur.branch = value.startsWith("refs/heads/") ? value.slice("refs/heads/".length) : value;
    else if (key === "bare") cur.bare = true;
    else if (key === "locked") cur.locked = true;
    else if (key === "prunable") cur.prunable = true;
  }
  if (cur) list.push(cur);
  return list;
}

/** Forget worktrees whose directories are gone. */
export async function pruneWorktrees(repo: string, opts: GitOptions = {}): Promise<void> {
  const common = await requireGitCommonDir(repo, opts);
  const args = ["worktree", "prune"];
  const res = await withRepoLock(common, "worktree", () => runGit(repo, args, opts));
  if (res.exitCode !== 0) throw gitFailed(repo, args, res);
}

/**
 * Delete a branch only if it is merged into HEAD of `repo` (`branch -d`):
 * a branch with work nobody merged is kept. True when it was deleted.
 */
export async function deleteMergedBranch(
  repo: string,
  branch: string,
  opts: GitOptions = {},
): Promise<boolean> {
  assertBranch(branch);
  const res = await runGit(repo, ["branch", "-d", branch], opts);
  return res.exitCode === 0;
}
