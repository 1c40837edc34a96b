import type { CommitWithFiles } from "../git/commit-files.js";
import { diffTicks, parseChecklist, summarize } from "../prd/checklist.js";
import type { PrdTicks, TickCheck } from "./types.js";

export type { PrdTicks, TickCheck } from "./types.js";

const STOP = new Set(["the", "and", "for", "with", "that", "this", "from", "into", "add", "use"]);

function words(text: string): string[] {
  const all = text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
  const significant = all.filter((w) => !STOP.has(w));
  return significant.length > 0 ? significant : all;
}

export function names(subject: string, item: string): boolean {
  const want = [...new Set(words(item))];
  if (want.length === 0) return false;
  const have = new Set(words(subject));
  const hits = want.filter((w) => have.has(w)).length;
  return hits * 2 >= want.length;
}

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

  const credited = new Map<string, string[]>();
  const used = new Set<string>();
  for (const item of ticked) {
    const named = work.filter((c) => names(c.subject, item.text)).map((c) => c.sha);
    if (named.length > 0) {
      credited.set(item.key, named);
      named.forEach((s) => used.add(s));
    }
  }
  const spare = work.filter((c) => !used.has(c.sha));
  const ticks: TickCheck[] = ticked.map((item) => {
    const named = credited.get(item.key);
    if (named) return { text: item.text, commits: named, backed: true, how: "named" };
    const next = spare.shift();
    if (next) return { text: item.text, commits: [next.sha], backed: true, how: "order" };
    return { text: item.text, commits: [], backed: false, how: null };
  });
  const { total, checked } = summarize(after);
  return {
    path: input.path,
    total,
    checked,
    checkedSinceStart: ticked.map((i) => i.text),
    ticks,
    unbacked: ticks.filter((t) => !t.backed).map((t) => t.text),
  };
}
