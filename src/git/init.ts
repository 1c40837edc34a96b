import { mkdirSync } from "node:fs";
import { gitFailed, runGit, type GitOptions } from "./exec.js";

/**
 * A new repository in `dir` (created if missing) on `branch`, with `files`
 * (repo-relative, already written) committed as its first commit. The author
 * and committer come from `opts.env` (GIT_AUTHOR_NAME and friends) or the
 * user's git config. Throws the usual git error when a step fails.
 */
export async function initRepoWithCommit(
  dir: string,
  branch: string,
  files: readonly string[],
  message: string,
  opts: GitOptions = {},
): Promise<void> {
  const steps: (readonly string[])[] = [
    ["init", "-q", "-b", branch],
    ["add", "--", ...files],
    ["commit", "-q", "-m", message],
  ];
  mkdirSync(dir, { recursive: true });
  for (const args of steps) {
    const res = await runGit(dir, args, opts);
    if (res.exitCode !== 0) throw gitFailed(dir, args, res);
  }
}
