import type { LoopItemRow } from "../store/store.js";
import { launchAgent, waitForAgent } from "./iteration-agent.js";
import { checkWork, decide, weighEvidence } from "./iteration-judge.js";
import { recordIteration, recordIterationUsage, type IterationOutput } from "./iteration-record.js";
import { beginIteration, type Workplace } from "./iteration-start.js";
import { appendProgress } from "./progress.js";
import type { LoopRuntime } from "./runtime.js";

/**
 * One fresh-context iteration on one item (a new agent process, so no context
 * carries over from the last attempt but what the PRD and the repo hold).
 * Each step is its own function, in the order it happens:
 *
 *  1. prepare  (iteration-start.ts): the PRD and HEAD as the agent finds them, the row, the prompt
 *  2. launch   (iteration-agent.ts): a governor slot, the agent in its own process group
 *  3. wait     (iteration-agent.ts): its exit, the time limit or a stop of the loop
 *  4. judge    (iteration-judge.ts): evidence and diagnosis, the guard and the check, the decision
 *  5. record   (iteration-record.ts): the boxes, the store, a line in the pane
 *
 * What the driver does next (retry, next item, stop) is the policy's (policy.ts).
 */
export async function runIteration(
  rt: LoopRuntime,
  item: LoopItemRow,
  where: Workplace,
  position: { index: number; total: number },
): Promise<IterationOutput> {
  const start = await beginIteration(rt, item, where, position);
  const launched = await launchAgent(rt, start);
  const ran = "child" in launched ? await waitForAgent(rt, start, launched) : launched;
  // The tokens are in the store as soon as the agent is gone, before a long check.
  await recordIterationUsage(rt, start, ran);
  const found = await weighEvidence(rt, start, ran);
  const checked = await checkWork(rt, start, ran, found);
  const decision = decide(rt, ran, found, checked);
  return recordIteration(rt, start, ran, found, checked, decision);
}

/** Record an iteration's line in the progress notes (main tree only). */
export function noteProgress(progressAbs: string, out: IterationOutput): void {
  try {
    appendProgress(progressAbs, {
      item: out.iteration.itemText,
      attempt: out.iteration.attempt,
      outcome: out.decision.outcome,
      reason: out.decision.reason,
    });
  } catch {
    // The notes are for the next agent; a read-only file must not stop the loop.
  }
}
