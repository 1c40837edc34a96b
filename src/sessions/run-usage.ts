import type { RunRow, SessionRow } from "../store/store.js";
import { readUsage } from "../usage/read.js";
import { sumUsage } from "../usage/sum.js";
import type { UsageJson } from "../usage/types.js";
import type { Context } from "./context.js";

/**
 * A run's tokens and cost when it ends. A plain run's come from its pane
 * log, recorded in the store; a loop's are the sum of its iterations', each
 * recorded as it ended (loop/iteration-record.ts). null: nothing was reported.
 * Never fails the finish: usage is a report, the run's end is the truth.
 */
export async function recordRunUsage(
  ctx: Context,
  session: SessionRow,
  run: RunRow,
): Promise<UsageJson | null> {
  const store = ctx.store();
  const spec = session.spec;
  try {
    if (spec.loop !== undefined) {
      const parts = store
        .iterationUsage(session.id)
        .filter((i) => i.runId === run.id)
        .map((i) => i.usage);
      return parts.some((p) => p !== null) ? sumUsage(parts) : null;
    }
    const usage = await readUsage(run.logPath, spec.argv, ctx.config().prices);
    if (usage)
      store.recordUsage({ runId: run.id, sessionId: session.id, iterationId: null, usage });
    return usage;
  } catch {
    return null; // an unreadable log or config: the run still settles, its usage unknown
  }
}
