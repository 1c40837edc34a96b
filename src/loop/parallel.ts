import { join } from "node:path";
import { currentBranch } from "../git/git.js";
import { mergeBase, restorePaths } from "../git/merge.js";
import { branchTip, requireGitCommonDir } from "../git/worktree.js";
import type { LoopItemRow, Store } from "../store/store.js";
import { isAgentmuxError } from "../util/errors.js";
import { noteProgress, runIteration } from "./iteration.js";
import type { IterationOutput } from "./iteration-record.js";
import { mergeItemBranch } from "./merge.js";
import {
  nextNoProgress,
  nextStep,
  type LastIteration,
  type LoopEnd,
  type LoopState,
} from "./policy.js";
import { tickInMainTree } from "./resume.js";
import { loopState, requestStop, syncItems, type LoopRuntime } from "./runtime.js";
import { prepareItemTree, retireItemTree, worktreesRoot, type ItemTree } from "./worktrees.js";

/**
 * `--parallel N`: at most N agents at once, each item
 * in its own worktree and branch, starts spaced by settings.spacingMs plus up
 * to jitterMs, a verified item merged into the base branch (merge.ts) and
 * only then ticked in the main tree. The same policy as the serial driver
 * (policy.ts nextStep) decides every start and the end; an end with agents
 * still running waits for them (a stop request ends them: runIteration
 * listens to rt.stop).
 */

interface Slot {
  item: LoopItemRow;
  out: IterationOutput | null;
  error: Error | null;
}

interface Shared {
  base: string;
  root: string;
}

/**
 * A verified item must not read "done" before its merge: the iteration
 * settles it as running, and the merge decides done or conflict. Only
 * finishIteration differs from the real store.
 */
function holdDone(store: Store): Store {
  const held = Object.create(store) as Store;
  held.finishIteration = (id, result, patch) =>
    store.finishIteration(
      id,
      result,
      patch.state === "done" ? { ...patch, state: "running" } : patch,
    );
  return held;
}

async function work(
  rt: LoopRuntime,
  shared: Shared,
  item: LoopItemRow,
  position: { index: number; total: number },
): Promise<IterationOutput> {
  const { store, session } = rt;
  const tip = await branchTip(rt.top, shared.base);
  if (tip === null) throw new Error(`the base branch ${shared.base} has no commit`);
  const tree = await prepareItemTree(rt, item, shared.root, tip);
  const out = await runIteration(
    { ...rt, store: holdDone(store) },
    item,
    { top: tree.dir, cwd: join(tree.dir, rt.cwdRel), branch: tree.branch, tickDone: false },
    position,
  );
  noteProgress(join(rt.top, rt.progressRel), out);
  if (out.decision.itemState === "done") {
    await settleMerge(rt, shared, item, tree);
  }
  const now = store.listLoopItems(session.id).find((i) => i.key === item.key);
  const finished =
    now !== undefined &&
    (now.state === "done" ||
      now.state === "conflict" ||
      ((now.state === "failed" || now.state === "unverified") &&
        now.attempts >= rt.settings.attempts));
  if (finished) {
    const kept = await retireItemTree(rt, tree);
    if (kept) rt.say(`[agentmux loop] "${item.text}": ${kept}`);
  }
  return out;
}

/** Merge a verified item; done only once merged, otherwise `conflict` with its branch kept. */
async function settleMerge(
  rt: LoopRuntime,
  shared: Shared,
  item: LoopItemRow,
  tree: ItemTree,
): Promise<void> {
  const { store, session } = rt;
  let state: "done" | "conflict" = "conflict";
  let reason: string;
  try {
    // The PRD and the notes are the loop's: an agent's edits to them on the
    // branch would collide with the main tree's ticks, so they stay out of the merge.
    const fork = await mergeBase(tree.dir, "HEAD", shared.base);
    if (fork) {
      await restorePaths(
        tree.dir,
        fork,
        [rt.prdRel, rt.progressRel],
        `agentmux: keep ${rt.prdRel} and the progress notes out of the merge`,
      );
    }
    const res = await mergeItemBranch({
      repo: rt.top,
      base: shared.base,
      branch: tree.branch,
      message: `agentmux: merge ${tree.branch}\n\nLoop item: ${item.text}`,
    });
    if (res.merged) {
      state = "done";
      reason = `merged into ${shared.base} (${res.commit.slice(0, 12)})`;
    } else {
      reason = `${res.reason} (branch ${tree.branch} kept)`;
    }
  } catch (e) {
    reason = `merging ${tree.branch} failed: ${(e as Error).message} (branch kept)`;
  }
  const before = store.listLoopItems(session.id).find((i) => i.key === item.key);
  const prior = before?.reason ? `${before.reason}; ` : "";
  store.updateLoopItem(session.id, item.key, {
    state,
    reason: `${prior}${reason}`,
    branch: tree.branch,
  });
  if (state === "done") tickInMainTree(rt, item.key);
  rt.say(`[agentmux loop] "${item.text}": ${state === "done" ? reason : `conflict: ${reason}`}`);
}

/**
 * Resolves when any promise settles, `ms` pass, or (wakeOnStop) the loop is
 * asked to stop. Once the loop is ending only the agents' ends matter.
 */
function waitAny(
  rt: LoopRuntime,
  promises: Iterable<Promise<unknown>>,
  ms: number,
  wakeOnStop: boolean,
): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      rt.stop.wake.delete(done);
      resolve();
    };
    if (wakeOnStop && rt.stop.reason !== null) return done();
    if (wakeOnStop) rt.stop.wake.add(done);
    if (Number.isFinite(ms)) timer = setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    for (const p of promises) p.then(done, done);
  });
}

export async function runParallel(rt: LoopRuntime): Promise<LoopEnd> {
  const { settings } = rt;
  const base = await currentBranch(rt.top);
  if (base === null) {
    return {
      kind: "failed",
      detail: `parallel mode merges into the checked-out branch, and ${rt.top} has a detached HEAD`,
      fix: "check out the branch the items should land on, then: agentmux restart <loop>",
    };
  }
  const shared: Shared = {
    base,
    root: worktreesRoot(await requireGitCommonDir(rt.top), rt.session.name),
  };
  const slots = new Map<string, Promise<Slot>>();
  const settled: Slot[] = [];
  let iterations = 0;
  let noProgress: LoopState["noProgress"] = { streak: 0, item: null };
  let rateLimitWaits = 0;
  let last: LastIteration | null = null;
  let pausedUntil = 0;
  let nextStartAt = 0;
  let ending: LoopEnd | null = null;

  for (;;) {
    // Fold what finished since the last turn into the policy's state.
    for (const s of settled.splice(0)) {
      if (s.error) {
        ending ??= {
          kind: "failed",
          detail: `"${s.item.text}" could not be worked in a worktree: ${s.error.message}`,
          ...(isAgentmuxError(s.error) && s.error.hint ? { fix: s.error.hint } : {}),
        };
        continue;
      }
      if (!s.out) continue;
      noProgress = nextNoProgress(noProgress, s.out.decision.progress, s.item.text);
      if (!s.out.decision.retry) rateLimitWaits = 0;
      last = {
        itemKey: s.item.key,
        itemText: s.item.text,
        stop: s.out.decision.stop,
        retry: s.out.decision.retry,
        diagnosis: s.out.diagnosis,
      };
    }

    let waitMs = Infinity;
    if (ending === null) {
      try {
        await syncItems(rt);
      } catch (e) {
        if (!isAgentmuxError(e)) throw e;
        ending = { kind: "failed", detail: `the PRD can no longer be read: ${e.message}` };
      }
    }
    if (ending === null) {
      const state = loopState(
        rt,
        { iterations, noProgress, rateLimitWaits, last },
        new Set(slots.keys()),
      );
      const { items } = state;
      const step = nextStep(state);
      if (step.do === "end") {
        ending = step.end;
        // An auth failure: the other agents cannot succeed either.
        if (step.end.kind === "auth") requestStop(rt, "auth failure");
      } else if (step.do === "wait") {
        rt.say(`[agentmux loop] "${step.item.text}": ${step.reason}`);
        rateLimitWaits += 1;
        last = null;
        pausedUntil = step.until;
      } else if (step.do === "work") {
        const now = Date.now();
        if (slots.size < settings.parallel && now >= pausedUntil && now >= nextStartAt) {
          const item = items.find((i) => i.key === step.item.key);
          if (!item) throw new Error(`item ${step.item.key} vanished from the store`);
          iterations += 1;
          // Spaced starts: N agents must not hit one provider in the same second.
          nextStartAt = now + settings.spacingMs + Math.floor(Math.random() * settings.jitterMs);
          const position = { index: items.indexOf(item), total: items.length };
          const slot: Promise<Slot> = work(rt, shared, item, position).then(
            (out) => ({ item, out, error: null }),
            (e: unknown) => ({
              item,
              out: null,
              error: e instanceof Error ? e : new Error(String(e)),
            }),
          );
          slots.set(item.key, slot);
          void slot.then((s) => {
            slots.delete(item.key);
            settled.push(s);
          });
          continue;
        }
        if (slots.size < settings.parallel) waitMs = Math.max(pausedUntil, nextStartAt) - now;
      }
      if (step.do === "wait") waitMs = Math.max(0, pausedUntil - Date.now());
    }
    if (ending !== null && slots.size === 0 && settled.length === 0) return ending;
    if (slots.size === 0 && !Number.isFinite(waitMs)) {
      // Nothing running, nothing to wait for, and no end: cannot happen with nextStep; never spin.
      throw new Error("the parallel loop has nothing to run and no reason to stop");
    }
    await waitAny(rt, slots.values(), waitMs, ending === null);
  }
}
