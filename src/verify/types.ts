/** What verify/ decides: the git evidence of a run and its verdict. */

/** unverified: it exited 0, but ticked PRD items with no commits behind them (verify/prd-ticks.ts). */
export type Verdict = "verified" | "no-changes" | "failed" | "unverifiable" | "unverified";

/** What git says happened since a run started. */
export interface Evidence {
  isRepo: boolean;
  startCommit: string | null;
  headCommit: string | null;
  commits: { sha: string; subject: string }[];
  /** Files changed between start and head, plus uncommitted ones (repo-relative). */
  filesChanged: string[];
  /** Uncommitted files (modified, staged, untracked) at the time of gathering. */
  uncommitted: string[];
  /** Runs given --prd: which boxes it ticked and which have commits behind them. */
  prd?: PrdTicks;
  /** Last lines of the run's output, ANSI stripped. */
  tail: string[];
}

/**
 * Which PRD boxes a run ticked, and which of those have commits behind them.
 * ralphy 4.7.2 ticks an item whenever its agent exits 0 — and ticks failed
 * items too, "to remove it from the queue" — so a ticked box proves nothing.
 *
 * Attribution, most specific first:
 * 1. a work commit whose subject names the item (half or more of the item's
 *    significant words), then
 * 2. in order, the work commits no item named, one per remaining tick
 *    (runners like ralphy work items one at a time, one commit each).
 * A tick left over has no commit behind it. Work commits are commits that
 * touch more than the PRD and the runner's bookkeeping files.
 */
export interface TickCheck {
  text: string;
  /** Commits credited to this item (sha). */
  commits: string[];
  backed: boolean;
  /** "named": a commit subject names it; "order": an unnamed work commit, by order; null: none. */
  how: "named" | "order" | null;
}

export interface PrdTicks {
  path: string;
  total: number;
  checked: number;
  checkedSinceStart: string[];
  ticks: TickCheck[];
  /** Texts of items ticked with no commit behind them. */
  unbacked: string[];
}
