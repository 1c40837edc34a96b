import { readPrd } from "../prd/checklist-read.js";
import type { AgentChild } from "../process/agent-child.js";
import type { Context } from "../sessions/context.js";
import type { SessionSpec } from "../sessions/spec.js";
import type { LoopItemRow, RunRow, SessionRow, Store } from "../store/store.js";
import type { LoopGuard } from "./guard.js";
import type { LoopState } from "./policy.js";
import type { LoopSettings } from "./settings.js";

/** Everything one loop driver shares between its iterations. */
export interface LoopRuntime {
  ctx: Context;
  store: Store;
  session: SessionRow;
  run: RunRow;
  spec: SessionSpec;
  settings: LoopSettings;
  /** The working tree's top directory (the repository the loop works in). */
  top: string;
  /** spec.cwd relative to top ("" when they are the same): the agent's cwd inside any worktree. */
  cwdRel: string;
  /** Repo-relative paths of the PRD and the progress notes. */
  prdRel: string;
  progressRel: string;
  /** Agents running now (parallel mode: several). */
  children: Set<AgentChild>;
  /** Set by SIGTERM/SIGHUP/SIGINT or the loop's time limit: finish up, start nothing new. */
  stop: { reason: string | null; wake: Set<() => void> };
  /** End of the loop's time limit (epoch ms), if any. */
  deadline: number | null;
  /** How long an agent gets between TERM and KILL when agentmux stops it. */
  graceMs: number;
  /** A line in the pane. */
  say(line: string): void;
  /** What the check depends on, as at the run's start, and the last passing test count (guard.ts). */
  guard?: LoopGuard;
  /** Items that vanished from the PRD while an agent worked (this run): the loop cannot end done. */
  vanished?: string[];
}

export function requestStop(rt: LoopRuntime, reason: string): void {
  if (rt.stop.reason !== null) return;
  rt.stop.reason = reason;
  for (const wake of rt.stop.wake) wake();
}

/** Sleep that ends early when the loop is asked to stop. Resolves false when woken by a stop. */
export function sleepUnlessStopped(rt: LoopRuntime, ms: number): Promise<boolean> {
  if (rt.stop.reason !== null) return Promise.resolve(false);
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      rt.stop.wake.delete(wake);
      resolve(false);
    };
    const timer = setTimeout(() => {
      rt.stop.wake.delete(wake);
      resolve(true);
    }, ms);
    rt.stop.wake.add(wake);
  });
}

/** What one driver (serial or parallel) has counted during this run: the policy's memory. */
export type LoopCounters = Pick<LoopState, "iterations" | "noProgress" | "rateLimitWaits" | "last">;

/** The facts policy.nextStep decides on, now: the items as recorded, the settings, the clock. */
export function loopState(
  rt: LoopRuntime,
  counters: LoopCounters,
  busy?: ReadonlySet<string>,
): Omit<LoopState, "items"> & { items: LoopItemRow[] } {
  const { settings } = rt;
  return {
    ...counters,
    items: rt.store.listLoopItems(rt.session.id),
    maxAttempts: settings.attempts,
    maxIterations: settings.maxIterations,
    now: Date.now(),
    deadline: rt.deadline,
    stopRequested: rt.stop.reason,
    noProgressLimit: settings.noProgressLimit,
    stopOnFailure: settings.stopOnFailure === true,
    ...(busy ? { busy } : {}),
  };
}

/** Re-read the PRD and record its items; the file may have changed since the last iteration. */
export async function syncItems(rt: LoopRuntime): Promise<void> {
  const prd = await readPrd(rt.prdRel, { cwd: rt.top, top: rt.top });
  rt.store.syncLoopItems(
    rt.session.id,
    prd.checklist.items.map((i, index) => ({
      key: i.key,
      text: i.text,
      index,
      checked: i.checked,
    })),
  );
}
