import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { discardPaths } from "../git/merge.js";
import {
  addWorktree,
  branchExists,
  branchTip,
  deleteMergedBranch,
  listWorktrees,
  removeWorktree,
  slugify,
} from "../git/worktree.js";
import type { LoopItemRow } from "../store/store.js";
import type { LoopRuntime } from "./runtime.js";

/**
 * One worktree and branch per item in parallel mode.
 *
 * Where they live: `<git common dir>/agentmux-worktrees/<loop>/<item>`.
 * Not the state directory, because (1) inside .git nothing shows up in the
 * user's `git status`, editor, ripgrep or test watcher of the main tree; (2)
 * it is on the repository's own file system, so checkouts are cheap and
 * paths are stable whichever AGENTMUX_HOME a later run uses; (3) the worktree
 * goes away with the repository instead of dangling in ~/.local/state.
 */
export function worktreesRoot(commonDir: string, loopName: string): string {
  return join(commonDir, "agentmux-worktrees", loopSegment(loopName));
}

// Session names are letters, digits, - and _; a ref component must not start with - or _.
function loopSegment(name: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name) ? name : slugify(name);
}

export interface ItemTree {
  branch: string;
  /** The worktree's top directory. */
  dir: string;
}

/**
 * The item's branch `agentmux/<loop>/<n>-<slug>` (its position keeps two
 * items with the same text apart), and its worktree, made from `baseTip` the
 * first time and reused by a retry. A branch of that name that this item did
 * not record (a removed loop of the same name) is never reused: a suffix is added.
 */
export async function prepareItemTree(
  rt: LoopRuntime,
  item: LoopItemRow,
  root: string,
  baseTip: string,
): Promise<ItemTree> {
  let branch = item.branch;
  if (branch === null) {
    const stem = `agentmux/${loopSegment(rt.session.name)}/${item.index + 1}-${slugify(item.text)}`;
    branch = stem;
    for (let n = 2; await branchExists(rt.top, branch); n++) branch = `${stem}-${n}`;
    rt.store.updateLoopItem(rt.session.id, item.key, { branch });
  }
  const dir = join(root, branch.slice(branch.lastIndexOf("/") + 1));
  const registered = (await listWorktrees(rt.top)).some((w) => w.path === dir);
  if (!(registered && existsSync(dir))) {
    mkdirSync(root, { recursive: true });
    const tip = (await branchTip(rt.top, branch)) ?? baseTip;
    await addWorktree(rt.top, { dir, branch, base: tip });
  }
  // The agent is told to read the progress notes; the main tree's copy is the current one.
  const notes = join(rt.top, rt.progressRel);
  const copy = join(dir, rt.progressRel);
  if (existsSync(notes)) {
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(notes, copy);
  }
  return { branch, dir };
}

/**
 * An item is finished (merged, in conflict, or failed for good): drop the
 * loop's files from its worktree, then remove the worktree if nothing else
 * is uncommitted there, and its branch if merged. Returns a line for the pane
 * when something is kept.
 */
export async function retireItemTree(rt: LoopRuntime, tree: ItemTree): Promise<string | null> {
  if (existsSync(tree.dir)) await discardPaths(tree.dir, [rt.prdRel, rt.progressRel]);
  const removed = await removeWorktree(rt.top, tree.dir);
  if (!removed.removed) return `${removed.reason}; nothing was deleted`;
  // `branch -d` only deletes a merged branch: unmerged work stays for the user.
  const deleted = await deleteMergedBranch(rt.top, tree.branch);
  return deleted ? null : `branch ${tree.branch} kept`;
}
