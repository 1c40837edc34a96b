import { join } from "node:path";
import { formatDuration } from "../util/format-duration.js";
import { isAgentmuxError } from "../util/errors.js";
import { noteProgress, runIteration } from "./iteration.js";
import {
  nextNoProgress,
  nextStep,
  type LastIteration,
  type LoopEnd,
  type LoopState,
} from "./policy.js";
import { loopState, sleepUnlessStopped, syncItems, type LoopRuntime } from "./runtime.js";

/** Serial mode: one item at a time in the working tree. */
export async function runSerial(rt: LoopRuntime): Promise<LoopEnd> {
  let iterations = 0;
  let noProgress: LoopState["noProgress"] = { streak: 0, item: null };
  let rateLimitWaits = 0;
  let last: LastIteration | null = null;
  for (;;) {
    try {
      await syncItems(rt);
    } catch (e) {
      if (!isAgentmuxError(e)) throw e;
      return {
        kind: "failed",
        detail: `the PRD can no longer be read: ${e.message}`,
        ...(e.hint ? { fix: e.hint } : {}),
      };
    }
    const state = loopState(rt, { iterations, noProgress, rateLimitWaits, last });
    const { items } = state;
    const step = nextStep(state);
    if (step.do === "end") return step.end;
    if (step.do === "idle") throw new Error("the serial loop has no running item to wait for");
    if (step.do === "wait") {
      rt.say(`[agentmux loop] "${step.item.text}": ${step.reason} (${formatDuration(step.ms)})`);
      rateLimitWaits += 1;
      last = null;
      await sleepUnlessStopped(rt, step.ms);
      continue;
    }
    const item = items.find((i) => i.key === step.item.key);
    if (!item) throw new Error(`item ${step.item.key} vanished from the store`);
    const index = items.indexOf(item);
    iterations += 1;
    const out = await runIteration(
      rt,
      item,
      { top: rt.top, cwd: join(rt.top, rt.cwdRel), tickDone: true },
      { index, total: items.length },
    );
    noteProgress(join(rt.top, rt.progressRel), out);
    noProgress = nextNoProgress(noProgress, out.decision.progress, item.text);
    if (!out.decision.retry) rateLimitWaits = 0;
    last = {
      itemKey: item.key,
      itemText: item.text,
      stop: out.decision.stop,
      retry: out.decision.retry,
      diagnosis: out.diagnosis,
    };
  }
}
