import { commitsWithFiles, type CommitWithFiles } from "../git/commit-files.js";
import { statusSnapshot, type GitOptions } from "../git/git.js";

/** What git says one iteration did, with the loop's own bookkeeping files set apart. */
export interface IterationEvidence {
  startCommit: string | null;
  endCommit: string | null;
  commits: { sha: string; subject: string; files: string[] }[];
  /** Commits that touch more than the PRD and the progress notes: the work. */
  workCommits: number;
  /** Files changed by those commits (excluding the bookkeeping files). */
  files: string[];
  /** Uncommitted files other than the PRD and the progress notes. */
  uncommitted: string[];
  /** Boxes of other items the agent ticked (and agentmux unticked). */
  tickedOthers?: string[];
  /** HEAD's branch at the end (null: detached); absent in records made before it was kept. */
  branch?: string | null;
  /** HEAD no longer descends from startCommit (reset, rebase, amend): the commits are not new work. */
  rewritten?: boolean;
}

/**
 * Evidence since `startCommit` in `cwd`. `bookkeeping` are repo-relative
 * paths (the PRD, the progress file) whose changes are not work: an agent
 * that only ticks a box and commits the PRD has done nothing.
 */
export async function iterationEvidence(
  cwd: string,
  startCommit: string | null,
  bookkeeping: readonly string[],
  opts: GitOptions = {},
): Promise<IterationEvidence> {
  // The agent has exited: HEAD is not moving, so status (HEAD and the dirty
  // files) and the log since the start commit can be read at the same time.
  const [status, logged] = await Promise.all([
    statusSnapshot(cwd, opts),
    // An unborn HEAD (no commits yet) has no log: nothing was committed.
    commitsWithFiles(cwd, startCommit, "HEAD", opts).catch((): CommitWithFiles[] | null => null),
  ]);
  const head = status.head;
  const skip = new Set(bookkeeping);
  const commits: CommitWithFiles[] =
    head === null || head === startCommit
      ? []
      : (logged ?? (await commitsWithFiles(cwd, startCommit, head, opts)));
  const work = commits.filter((c) => c.files.some((f) => !skip.has(f)));
  // The start is an ancestor of HEAD iff a commit of the range has it as a parent.
  const rewritten =
    startCommit !== null &&
    head !== null &&
    head !== startCommit &&
    !commits.some((c) => c.parents?.includes(startCommit) ?? false);
  const files = [...new Set(work.flatMap((c) => c.files).filter((f) => !skip.has(f)))].sort();
  return {
    startCommit,
    endCommit: head,
    commits: commits.map(({ sha, subject, files }) => ({ sha, subject, files })),
    workCommits: work.length,
    files,
    uncommitted: status.files.filter((f) => !skip.has(f)),
    branch: status.branch,
    ...(rewritten ? { rewritten: true } : {}),
  };
}
