import { writeFileSync } from "node:fs";
import type { Diagnosis } from "../diagnose/types.js";
import { tick, type ChecklistItem } from "../prd/checklist.js";
import type { IterationRow } from "../store/store.js";
import { readUsage } from "../usage/read.js";
import type { CheckResult } from "./check.js";
import type { IterationDecision } from "./decide.js";
import type { IterationEvidence } from "./item-evidence.js";
import type { AgentRun } from "./iteration-agent.js";
import type { Checked, Findings } from "./iteration-judge.js";
import type { IterationStart } from "./iteration-start.js";
import type { LoopRuntime } from "./runtime.js";

export interface IterationOutput {
  iteration: IterationRow;
  decision: IterationDecision;
  evidence: IterationEvidence;
  check: CheckResult | null;
  diagnosis: Diagnosis | null;
}

/**
 * The PRD's bytes with the boxes set right: other items' ticks are never the
 * agent's to make; this item's box follows the decision (a tick only where
 * done items are ticked in this tree). Only box bytes change. Pure.
 */
export function boxesAfter(
  bytes: Buffer,
  itemKey: string,
  tickedOthers: readonly Pick<ChecklistItem, "key">[],
  box: boolean | null,
  tickDone: boolean,
): Buffer {
  let out = bytes;
  for (const other of tickedOthers) out = tick(out, other.key, false);
  if (box === false || (box === true && tickDone)) out = tick(out, itemKey, box);
  return out;
}

/** The decision's reason, plus the other items' ticks that were undone. Pure. */
export function recordedReason(
  reason: string,
  tickedOthers: readonly Pick<ChecklistItem, "text">[],
): string {
  if (tickedOthers.length === 0) return reason;
  const named = tickedOthers.map((i) => `"${i.text}"`).join(", ");
  return `${reason}; it also ticked ${tickedOthers.length} other item(s) (${named}), unticked`;
}

/** The iteration's tokens and cost from its agent's output (none reported: nothing recorded). */
export async function recordIterationUsage(
  rt: LoopRuntime,
  start: IterationStart,
  ran: AgentRun,
): Promise<void> {
  try {
    const usage = await readUsage(start.logPath, ran.argv, rt.ctx.config().prices);
    if (usage) {
      rt.store.recordUsage({
        runId: rt.run.id,
        sessionId: rt.session.id,
        iterationId: start.iteration.id,
        usage,
      });
    }
  } catch {
    // Usage is a report: an unreadable log must not cost the item its iteration.
  }
}

/**
 * Step 5, record: the boxes in the PRD, the test count a later fall is
 * measured from, the iteration and its item in the store (one call), and a
 * line in the pane.
 */
export function recordIteration(
  rt: LoopRuntime,
  start: IterationStart,
  ran: AgentRun,
  found: Findings,
  { check }: Checked,
  decision: IterationDecision,
): IterationOutput {
  const { store } = rt;
  const { item, iteration } = start;
  const { evidence, after } = found;
  if (after) {
    const box = decision.box;
    const bytes = boxesAfter(after.bytes, item.key, found.tickedOthers, box, start.where.tickDone);
    if (!bytes.equals(after.bytes)) writeFileSync(start.prdAbs, bytes);
  }
  if (decision.outcome === "done" && check?.testsRan != null && rt.guard) {
    rt.guard.lastTestCount = check.testsRan;
  }
  const reason = recordedReason(decision.reason, found.tickedOthers);
  store.finishIteration(
    iteration.id,
    {
      outcome: decision.outcome,
      counted: decision.counted,
      reason,
      endCommit: evidence.endCommit,
      exitCode: ran.exit.exitCode,
      signal: ran.exit.signal,
      evidence,
      check,
    },
    {
      state: decision.itemState,
      // Commits of a rewritten history are not the item's work.
      commits: item.commits + (decision.outcome === "history-rewritten" ? 0 : evidence.workCommits),
      ...(check ? { checkPassed: check.passed } : {}),
      reason,
    },
  );
  rt.say(start.line(`${decision.outcome}: ${reason}`, ran.durationMs));
  const done = store.getIteration(iteration.id) ?? iteration;
  return {
    iteration: done,
    decision: { ...decision, reason },
    evidence,
    check,
    diagnosis: found.diagnosis,
  };
}
