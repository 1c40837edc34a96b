import {
  commitExists,
  commitsBetween,
  filesChangedBetween,
  statusSnapshot,
  type Commit,
  type GitOptions,
} from "../git/git.js";
import { headFromFiles } from "../git/head-file.js";
import type { Evidence } from "./types.js";
import { readTail } from "./tail.js";

export interface GatherOptions extends GitOptions {
  /** Directory the run worked in (any directory inside the repo). */
  cwd: string;
  /** HEAD when the run started; null if the repo had no commits or cwd was no repo then. */
  startCommit: string | null;
  /** The run's pane log; without it `tail` is empty. */
  logPath?: string;
  /** How many lines of the log to keep (default 20). */
  tailLines?: number;
  /**
   * Read the log's tail only once this settles (its last lines may still be
   * on their way through tmux); git is asked meanwhile.
   */
  tailAfter?: Promise<unknown>;
}

/**
 * What git says happened since a run started. This sits between an agent's
 * exit and the user's notification, so it spawns at most three git processes,
 * all at once: `status` (repo?, HEAD, dirty files), `log` (commits) and `diff`
 * (committed changes). A fourth runs only when the start commit has vanished.
 *
 * log/diff name "HEAD" instead of waiting for status to report the sha: the
 * agent has exited, so HEAD is not moving, and the answers are read together.
 * When the repository's files say HEAD is still the start commit, there is
 * nothing for them to find and they are not started.
 */
export async function gatherEvidence(opts: GatherOptions): Promise<Evidence> {
  const { cwd, startCommit: start } = opts;
  const git: GitOptions = opts.env === undefined ? {} : { env: opts.env };
  const unmoved = start !== null && headFromFiles(cwd) === start;
  const { logPath, tailAfter } = opts;
  const [status, commits, committed, tail] = await Promise.all([
    statusSnapshot(cwd, git),
    unmoved ? NOTHING : settle(commitsBetween(cwd, start, "HEAD", git)),
    unmoved ? NOTHING : settle(filesChangedBetween(cwd, start, "HEAD", git)),
    logPath === undefined
      ? []
      : (tailAfter ?? Promise.resolve()).then(() => readTail(logPath, opts.tailLines ?? 20)),
  ]);
  const base = { startCommit: start, tail };
  if (!status.isRepo) {
    return {
      ...base,
      isRepo: false,
      headCommit: null,
      commits: [],
      filesChanged: [],
      uncommitted: [],
    };
  }
  const history = await committedHistory(cwd, start, status.head, commits, committed, git);
  return {
    ...base,
    isRepo: true,
    headCommit: status.head,
    commits: history.commits,
    filesChanged: [...new Set([...history.files, ...status.files])].sort(),
    uncommitted: status.files,
  };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

const NOTHING = Promise.resolve({ ok: true as const, value: [] as never[] });

function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** Interpret log/diff results in the light of what status said about HEAD. */
async function committedHistory(
  cwd: string,
  start: string | null,
  head: string | null,
  commits: Settled<Commit[]>,
  files: Settled<string[]>,
  git: GitOptions,
): Promise<{ commits: Commit[]; files: string[] }> {
  // Unborn HEAD now (no commits yet, or the agent switched to a new orphan
  // branch): nothing is committed, and log/diff failed for lack of a HEAD.
  if (head === null) return { commits: [], files: [] };
  // A start commit that no longer exists (history rewritten, then pruned):
  // nothing to compare with. Report HEAD and the uncommitted files rather
  // than fail the run's whole report. (A start commit that still exists but
  // is no longer an ancestor needs no special case: log and diff handle it.)
  const failed = !commits.ok || !files.ok;
  if (failed && start !== null && !(await commitExists(cwd, start, git))) {
    return { commits: [], files: [] };
  }
  if (!commits.ok) throw commits.error;
  if (!files.ok) throw files.error;
  return { commits: commits.value, files: files.value };
}
