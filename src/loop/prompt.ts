/**
 * The prompt of one fresh-context iteration. The agent remembers nothing of
 * earlier iterations; what it needs is in the files: the PRD, the progress
 * notes the loop keeps, and the repository's history.
 */
export interface PromptInput {
  prdPath: string;
  progressPath: string;
  item: string;
  position: { index: number; total: number };
  attempt: number;
  maxAttempts: number;
  check?: string;
  /** The reason the previous attempt at this item did not count as done. */
  previous?: string | null;
  /** Parallel mode: the item's own branch in its own worktree. */
  branch?: string;
  /** What the check depends on (files and globs): the agent must leave them as they are. */
  protect?: readonly string[];
}

function protectedText(paths: readonly string[] | undefined): string {
  if (paths === undefined || paths.length === 0) return "";
  const shown = paths.slice(0, 8).join(", ") + (paths.length > 8 ? ", …" : "");
  return `change or delete what the check depends on (${shown}; adding new files there is fine), `;
}

export function buildPrompt(p: PromptInput): string {
  const lines = [
    `You are one iteration of an agentmux loop working through the PRD in ${p.prdPath}.`,
    "",
    `Your item (${p.position.index + 1} of ${p.position.total}, attempt ${p.attempt} of ${p.maxAttempts}):`,
    "",
    `    ${p.item}`,
    "",
  ];
  if (p.previous) {
    lines.push(`The previous attempt at this item did not count: ${p.previous}.`, "");
  }
  lines.push(
    "Read first:",
    `- ${p.prdPath}: the whole plan, for context.`,
    `- ${p.progressPath}: notes left by earlier iterations (what was done, what was learnt).`,
    "",
    "Standing instructions:",
    "1. Work on this item only. The other items belong to other iterations; do not start them and do not tick their boxes.",
    "2. Write or update a test first, then make it pass.",
    p.check
      ? `3. Run the project's check, \`${p.check}\`, and make it pass. agentmux runs it again after you exit; the item counts only if it passes and runs at least one test.`
      : "3. Run the project's tests and make them pass.",
    `4. Commit your work with a message that names the item ("${p.item.slice(0, 72)}"). Uncommitted work does not count, and agentmux never commits it for you.`,
    `5. Then tick the item's box in ${p.prdPath}. A box ticked without a commit behind it is unticked and reported.`,
    `6. Append two or three lines to ${p.progressPath}: what you did, and anything the next iteration should know.`,
    // Honest agents are told the rules the guard enforces, so only gaming trips it.
    `7. Do not ${protectedText(p.protect)}remove or reword PRD items, or rewrite git history (no reset, rebase or amend of earlier commits; stay on this branch). agentmux treats any of these as tampering, and the item does not count.`,
  );
  if (p.branch) {
    lines.push(
      `8. You are in a git worktree of your own, on branch ${p.branch}. Commit there; agentmux merges it.`,
    );
  }
  return `${lines.join("\n")}\n`;
}
