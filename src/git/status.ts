import { gitFailed, runGit, type GitOptions } from "./exec.js";

/** One `git status` call: enough for HEAD, branch and dirty files at once. */
export interface StatusSnapshot {
  isRepo: boolean;
  /** HEAD commit sha; null on an unborn branch or outside a repo. */
  head: string | null;
  /** Branch name; null when detached or outside a repo. */
  branch: string | null;
  /** Modified, staged, deleted, untracked, conflicted; both sides of a rename. Repo-relative, sorted. */
  files: string[];
}

// Porcelain v2 rather than v1: its `# branch.oid` header gives HEAD in the
// same process, which saves a git spawn on the path between an agent's exit
// and the user's notification. Paths are repo-relative in both formats.
// --untracked-files=all lists files inside new directories instead of "dir/".
// status.renames=false (a config, not --no-renames, which needs git >= 2.18)
// makes a staged rename a delete plus an add, so both paths are reported.
const STATUS_ARGS = ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all"];

export async function statusSnapshot(cwd: string, opts: GitOptions = {}): Promise<StatusSnapshot> {
  const res = await runGit(cwd, STATUS_ARGS, { ...opts, config: ["status.renames=false"] });
  if (res.notRepo) return { isRepo: false, head: null, branch: null, files: [] };
  if (res.exitCode !== 0) throw gitFailed(cwd, STATUS_ARGS, res);
  return { isRepo: true, ...parseStatusV2(res.stdout) };
}

// Number of space-separated fields before the path in each entry type
// (see git-status(1), "Porcelain Format Version 2").
const FIELDS_BEFORE_PATH: Record<string, number> = { "1": 8, "2": 9, u: 10 };

/** Parse `git status --porcelain=v2 --branch -z` output. */
export function parseStatusV2(out: string): Omit<StatusSnapshot, "isRepo"> {
  const tokens = out.split("\0");
  let head: string | null = null;
  let branch: string | null = null;
  const files = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const entry = tokens[i] ?? "";
    if (entry === "") continue;
    if (entry.startsWith("# branch.oid ")) {
      const oid = entry.slice("# branch.oid ".length);
      head = oid === "(initial)" ? null : oid;
      continue;
    }
    if (entry.startsWith("# branch.head ")) {
      const name = entry.slice("# branch.head ".length);
      branch = name === "(detached)" ? null : name;
      continue;
    }
    const kind = entry.slice(0, entry.indexOf(" "));
    if (kind === "?" || kind === "!") {
      files.add(entry.slice(2));
      continue;
    }
    const fields = FIELDS_BEFORE_PATH[kind];
    // Other headers (# branch.upstream, # stash) and unknown future entry
    // types carry no path we understand: skip rather than misreport.
    if (fields === undefined) continue;
    const path = afterFields(entry, fields);
    if (path !== "") files.add(path);
    // A rename/copy entry is followed by its original path as its own token.
    if (kind === "2") {
      const orig = tokens[++i];
      if (orig) files.add(orig);
    }
  }
  return { head, branch, files: [...files].sort() };
}

/** The rest of `entry` after `n` space-separated fields (the path may contain spaces). */
function afterFields(entry: string, n: number): string {
  let at = 0;
  for (let k = 0; k < n; k++) {
    at = entry.indexOf(" ", at) + 1;
    if (at === 0) return "";
  }
  return entry.slice(at);
}
