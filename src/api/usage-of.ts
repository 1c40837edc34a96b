import type { Context } from "../sessions/context.js";
import type { LoopView, StatusJson } from "../sessions/view.js";
import type { RunRow, SessionRow, Store } from "../store/store.js";
import { sumUsage } from "../usage/sum.js";
import type { UsageJson } from "../usage/types.js";

/** Several invocations' reports summed; null when none reported anything (unknown, not 0). */
export function sumReported(parts: readonly (UsageJson | null)[]): UsageJson | null {
  return parts.some((p) => p !== null) ? sumUsage(parts) : null;
}

/**
 * The `usage` of many sessions' latest runs at once (`ls --json`), the same
 * as withUsage gives each: a plain run's report, a loop run's iterations summed.
 */
export function usageOfLatestRuns(
  store: Store,
  rows: readonly { session: Pick<SessionRow, "kind">; run: Pick<RunRow, "id"> | null }[],
): (r: { session: Pick<SessionRow, "kind">; run: Pick<RunRow, "id"> | null }) => UsageJson | null {
  const withRun = rows.filter((r) => r.run !== null);
  const ids = (loop: boolean): number[] =>
    withRun.filter((r) => (r.session.kind === "loop") === loop).map((r) => r.run?.id ?? 0);
  const found = store.usageOfRuns(ids(false), ids(true));
  return ({ session, run }) => {
    if (!run) return null;
    if (session.kind !== "loop") return found.plain.get(run.id) ?? null;
    return sumReported(found.iterations.get(run.id) ?? []);
  };
}

/**
 * A status with its tokens and cost: a plain run's own report; for a loop,
 * the current run's iterations summed, each item's over all its iterations,
 * and the loop's total. null where nothing was reported (unknown, not 0).
 */
export function withUsage(
  ctx: Context,
  status: StatusJson,
  session: SessionRow,
  run: RunRow | null,
): StatusJson {
  const store = ctx.store();
  if (!run) return { ...status, usage: null };
  if (session.kind !== "loop") return { ...status, usage: store.runUsage(run.id) };
  const iterations = store.iterationUsage(session.id);
  const usage = sumReported(iterations.filter((i) => i.runId === run.id).map((i) => i.usage));
  if (!status.loop) return { ...status, usage };
  const byKey = new Map<string, (UsageJson | null)[]>();
  for (const i of iterations) byKey.set(i.itemKey, [...(byKey.get(i.itemKey) ?? []), i.usage]);
  const keys = store.listLoopItems(session.id).map((i) => i.key);
  const loop: LoopView = {
    ...status.loop,
    usage: sumReported(iterations.map((i) => i.usage)),
    ...(status.loop.items
      ? {
          items: status.loop.items.map((item, n) => ({
            ...item,
            usage: sumReported(byKey.get(keys[n] ?? "") ?? []),
          })),
        }
      : {}),
  };
  return { ...status, usage, loop };
}
