import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { terminateGroup } from "../process/terminate.js";
import { readEnvFile } from "../sessions/envfile.js";
import { sessionDir } from "../sessions/rundir.js";
import { runCheck, type CheckResult } from "./check.js";
import { findItem, parseChecklist, tick } from "../prd/checklist.js";
import { decideIteration } from "./decide.js";
import { inspect } from "./guard.js";
import { iterationEvidence, type IterationEvidence } from "./item-evidence.js";
import type { LoopRuntime } from "./runtime.js";

/**
 * Before a loop driver starts anything: settle what a previous driver of the
 * same loop left running (it was killed with SIGKILL, or its tmux server
 * died). Its agent, if still alive (pid AND start time match), is ended first
 * — never two agents in one tree. The iteration is then settled once
 * (finishIteration ignores a row that is no longer running): done when its
 * commits and the check say so, otherwise `interrupted`, which uses no attempt.
 */
export async function resumeStale(rt: LoopRuntime): Promise<number> {
  const { store, settings } = rt;
  const stale = store.runningIterations(rt.session.id).filter((i) => i.runId !== rt.run.id);
  for (const it of stale) {
    if (it.agentPid !== null) {
      const ended = await terminateGroup(it.agentPid, it.agentStart, rt.graceMs);
      if (ended)
        rt.say(`[agentmux loop] ended the agent (pid ${it.agentPid}) a previous run left behind`);
    }
    const cwd = it.worktree ? join(it.worktree, rt.cwdRel) : join(rt.top, rt.cwdRel);
    let evidence: IterationEvidence | null = null;
    try {
      evidence = await iterationEvidence(cwd, it.startCommit, [rt.prdRel, rt.progressRel]);
    } catch {
      evidence = null; // the worktree is gone: nothing to credit
    }
    // The same guard as a live iteration: no credit for rewritten history or a changed check.
    const guard = evidence
      ? await inspect(rt.guard && { ...rt.guard, base: staleBase(rt, it.runId) }, {
          cwd,
          top: it.worktree ?? rt.top,
          cwdRel: rt.cwdRel,
          startCommit: it.startCommit,
          endCommit: evidence.endCommit,
          rewritten: evidence.rewritten === true,
          startBranch: undefined,
          endBranch: evidence.branch ?? null,
        })
      : { rewritten: null, tampered: null };
    const gamed = guard.rewritten !== null || guard.tampered !== null;
    let check: CheckResult | null = null;
    // Parallel iterations need their merge, which belongs to a live driver: they are retried.
    const creditable =
      evidence !== null && evidence.workCommits > 0 && it.worktree === null && !gamed;
    if (creditable && settings.check !== undefined) {
      check = await runCheck(settings.check, cwd, {
        timeoutMs: settings.checkTimeoutMs,
        env: readEnvFile(join(sessionDir(rt.ctx.stateDir, rt.session.id), "env")),
      });
    }
    const finishedWork = creditable && (settings.check === undefined || check?.passed === true);
    const decision = decideIteration({
      exitCode: finishedWork ? 0 : null,
      signal: null,
      timedOut: false,
      interrupted: !finishedWork && !gamed,
      historyRewritten: guard.rewritten,
      tampered: guard.tampered,
      workCommits: evidence?.workCommits ?? 0,
      uncommitted: evidence?.uncommitted ?? [],
      checkConfigured: settings.check !== undefined,
      check,
      tickedOwn: false,
      diagnosis: null,
    });
    const reason = finishedWork
      ? `${decision.reason} (its driver was stopped; credited on resume)`
      : `its loop driver was stopped before it finished; ${decision.reason}`;
    const item = store.listLoopItems(rt.session.id).find((i) => i.key === it.itemKey);
    const settled = store.finishIteration(
      it.id,
      {
        outcome: decision.outcome,
        counted: decision.counted,
        reason,
        endCommit: evidence?.endCommit ?? null,
        exitCode: null,
        signal: null,
        evidence,
        check,
      },
      {
        state: decision.itemState,
        commits: (item?.commits ?? 0) + (evidence?.workCommits ?? 0),
        ...(check ? { checkPassed: check.passed } : {}),
        reason,
      },
    );
    if (settled && finishedWork) tickInMainTree(rt, it.itemKey);
    if (settled) rt.say(`[agentmux loop] resumed: "${it.itemText}" ${decision.outcome}: ${reason}`);
  }
  // An item marked running with no running iteration (a driver died in between): back to pending.
  for (const item of store.listLoopItems(rt.session.id)) {
    if (
      item.state === "running" &&
      store.runningIterations(rt.session.id).every((i) => i.itemKey !== item.key)
    ) {
      store.updateLoopItem(rt.session.id, item.key, { state: "pending" });
    }
  }
  return stale.length;
}

/** The baseline of the run that started the stale iteration (this run's own start already includes its work). */
function staleBase(rt: LoopRuntime, runId: number): string | null {
  return rt.store.getRun(runId)?.startCommit ?? rt.guard?.base ?? null;
}

export function tickInMainTree(rt: LoopRuntime, key: string): void {
  const path = join(rt.top, rt.prdRel);
  try {
    const bytes = readFileSync(path);
    const item = findItem(parseChecklist(bytes), key);
    if (item && !item.checked) writeFileSync(path, tick(bytes, key, true));
  } catch {
    // The PRD moved or the item's text changed: the store still records it done.
  }
}
