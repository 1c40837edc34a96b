import { assertRev, gitFailed, runGit, type GitOptions } from "./exec.js";

export interface CommitWithFiles {
  sha: string;
  subject: string;
  /** Repo-relative paths the commit touched (against its first parent; renames as two paths). */
  files: string[];
  /** Parent shas: with them a caller can tell whether `from` is still an ancestor, without asking git again. */
  parents?: string[];
}

const RS = "\u001e";
const US = "\u001f";

/**
 * Commits reachable from `to` but not from `from` (all of them when from is
 * null), oldest first, each with the files it touched and its parents.
 * `from` is an ancestor of `to` exactly when one of these has `from` as a
 * parent (or to is from): the commit next to it on the path between them. A loop uses this to
 * tell work from bookkeeping: a commit that only ticks the PRD is not work.
 */
export async function commitsWithFiles(
  cwd: string,
  from: string | null,
  to: string,
  opts: GitOptions = {},
): Promise<CommitWithFiles[]> {
  assertRev(to);
  if (from !== null) assertRev(from);
  const args = [
    "log",
    "--no-show-signature",
    "--no-color",
    "--reverse",
    "--encoding=UTF-8",
    "--no-renames",
    "--name-only",
    "-z",
    `--format=${RS}%H${US}%P${US}%s`,
    from === null ? to : `${from}..${to}`,
    "--",
  ];
  const res = await runGit(cwd, args, { ...opts, config: ["diff.relative=false"] });
  if (res.notRepo) return [];
  if (res.exitCode !== 0) throw gitFailed(cwd, args, res);
  const commits: CommitWithFiles[] = [];
  for (const record of res.stdout.split(RS)) {
    if (record === "") continue;
    // "<sha>\x1f<subject>\0\n<file>\0<file>\0" (-z ends the header with NUL; a newline precedes the files).
    const nul = record.indexOf("\0");
    const head = nul === -1 ? record : record.slice(0, nul);
    const [sha = "", parents = "", ...rest] = head.split(US);
    const subject = rest.join(US);
    const files =
      nul === -1
        ? []
        : record
            .slice(nul + 1)
            .replace(/^\n/, "")
            .split("\0")
            .filter((f) => f !== "");
    commits.push({ sha, subject, files, parents: parents.split(" ").filter((p) => p !== "") });
  }
  return commits;
}
