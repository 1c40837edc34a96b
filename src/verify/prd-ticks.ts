import type { CommitWithFiles } from "../git/commit-files.js";
import { diffTicks, parseChecklist, summarize } from "../prd/checklist.js";
import { attributeTicks } from "./attribute.js";
import type { PrdTicks, TickCheck } from "./types.js";

export type { PrdTicks, TickCheck } from "./types.js";

/**
 * Which PRD boxes a run ticked, and which of those have commits behind them.
 * ralphy 4.7.2 ticks an item whenever its agent exits 0 — and ticks failed
 * items too, "to remove it from the queue" — so a ticked box proves nothing.
 *
 * Which commit backs which tick is attribute.ts's decision: a commit backs
 * an item only when it tells that item apart from its siblings (its words,
 * the files it touched), one commit backs one tick unless it plainly names
 * several, an ambiguous commit backs none, and work commits that name no
 * item back the remaining ticks one each, in order. Work commits are commits
 * that touch more than the PRD and the runner's bookkeeping files.
 */
export function checkPrdTicks(input: {
  /** Repo-relative path of the PRD (for work-commit filtering and the report). */
  path: string;
  before: Buffer;
  after: Buffer;
  commits: readonly CommitWithFiles[];
  /** Repo-relative files that are bookkeeping, not work (the runner's progress notes). */
  bookkeeping?: readonly string[];
}): PrdTicks {
  const before = parseChecklist(input.before);
  const after = parseChecklist(input.after);
  const ticked = diffTicks(before, after).ticked;
  const notWork = new Set([input.path, ...(input.bookkeeping ?? [])]);
  const work = input.commits.filter((c) => c.files.some((f) => !notWork.has(f)));

  const credits = attributeTicks({
    items: after.items.map((i) => ({ key: i.key, text: i.text })),
    ticked: ticked.map((i) => ({ key: i.key, text: i.text })),
    // The PRD and the notes are in nearly every commit: their names say nothing about the item.
    commits: work.map((c) => ({ ...c, files: c.files.filter((f) => !notWork.has(f)) })),
  });
  const ticks: TickCheck[] = ticked.map((item) => {
    const credit = credits.get(item.key);
    if (!credit || credit.commits.length === 0) {
      const why = credit?.why ?? "no commit names it";
      return { text: item.text, commits: [], backed: false, how: null, why };
    }
    return { text: item.text, commits: credit.commits, backed: true, how: credit.how };
  });
  const { total, checked } = summarize(after);
  const now = new Set(after.items.map((i) => i.key));
  const removed = before.items.filter((i) => !now.has(i.key)).map((i) => i.text);
  return {
    ...(removed.length > 0 ? { removed } : {}),
    path: input.path,
    total,
    checked,
    checkedSinceStart: ticked.map((i) => i.text),
    ticks,
    unbacked: ticks.filter((t) => !t.backed).map((t) => t.text),
  };
}
