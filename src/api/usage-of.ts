import type { Context } from "../sessions/context.js";
import type { LoopView, StatusJson } from "../sessions/view.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { sumUsage } from "../usage/sum.js";
import type { UsageJson } from "../usage/types.js";

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
  const sum = (parts: (UsageJson | null)[]): UsageJson | null =>
    parts.some((p) => p !== null) ? sumUsage(parts) : null;
  const usage = sum(iterations.filter((i) => i.runId === run.id).map((i) => i.usage));
  if (!status.loop) return { ...status, usage };
  const byKey = new Map<string, (UsageJson | null)[]>();
  for (const i of iterations) byKey.set(i.itemKey, [...(byKey.get(i.itemKey) ?? []), i.usage]);
  const keys = store.listLoopItems(session.id).map((i) => i.key);
  const loop: LoopView = {
    ...status.loop,
    usage: sum(iterations.map((i) => i.usage)),
    ...(status.loop.items
      ? {
          items: status.loop.items.map((item, n) => ({
            ...item,
            usage: sum(byKey.get(keys[n] ?? "") ?? []),
          })),
        }
      : {}),
  };
  return { ...status, usage, loop };
}
