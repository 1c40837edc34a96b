import { headCommit } from "../git/git.js";
import { headFromFiles } from "../git/head-file.js";
import type { Diagnosis } from "../diagnose/types.js";
import { diffTicks, type Checklist, type ChecklistItem } from "../prd/checklist.js";
import { diagnoseAgentEnd } from "../sessions/agent-diagnosis.js";
import { sessionEnv } from "../sessions/agent-env.js";
import { readTail } from "../verify/tail.js";
import { runCheck, type CheckResult } from "./check.js";
import { decideIteration, type IterationDecision } from "./decide.js";
import { inspect, type GuardFindings } from "./guard.js";
import { iterationEvidence, type IterationEvidence } from "./item-evidence.js";
import type { AgentRun } from "./iteration-agent.js";
import { readChecklist, type IterationStart, type PrdSnapshot } from "./iteration-start.js";
import { countFell } from "./protect.js";
import type { LoopRuntime } from "./runtime.js";

/** How the PRD's boxes moved while the agent worked. */
export interface TickChanges {
  /** The agent ticked this item's own box (proves nothing alone). */
  tickedOwn: boolean;
  /** Other items' boxes it ticked: never its to make, unticked again. */
  tickedOthers: ChecklistItem[];
  /** Texts of items that vanished from the PRD (removed, or reworded). */
  removed: string[];
}

/** What the agent left behind: git's evidence, the PRD after it, and why it failed if it did. */
export interface Findings extends TickChanges {
  evidence: IterationEvidence;
  after: PrdSnapshot | null;
  diagnosis: Diagnosis | null;
}

/** What judges the work: the guard's findings, and the check's result if it was worth running. */
export interface Checked {
  guard: GuardFindings;
  check: CheckResult | null;
}

/** The boxes' moves between two readings of the PRD (unreadable either time: none). Pure. */
export function tickChanges(
  before: Checklist | null,
  after: Checklist | null,
  itemKey: string,
): TickChanges {
  if (before === null || after === null) return { tickedOwn: false, tickedOthers: [], removed: [] };
  const diff = diffTicks(before, after);
  const now = new Set(after.items.map((i) => i.key));
  return {
    tickedOwn: diff.ticked.some((i) => i.key === itemKey),
    tickedOthers: diff.ticked.filter((i) => i.key !== itemKey),
    // A loop whose hard items were deleted must not end "every item is done".
    removed: before.items.filter((i) => !now.has(i.key)).map((i) => i.text),
  };
}

/** Whether the agent's work goes to the check: only a clean exit with work, and nothing gamed. Pure. */
export function worthChecking(ran: AgentRun, workCommits: number, guard: GuardFindings): boolean {
  return (
    guard.rewritten === null &&
    guard.tampered === null &&
    !ran.interrupted &&
    !ran.timedOut &&
    ran.exit.exitCode === 0 &&
    ran.exit.signal === null &&
    workCommits > 0
  );
}

/** Why the check cannot be trusted, most direct first: its files, its test count, the PRD's items. Pure. */
export function tamperedReason(
  guardTampered: string | null,
  testsFell: string | null,
  removed: readonly string[],
): string | null {
  const prd =
    removed.length > 0
      ? `the PRD lost ${removed.length} item(s) while the agent worked (${removed.map((t) => `"${t}"`).join(", ")})`
      : null;
  return guardTampered ?? testsFell ?? prd;
}

/**
 * Step 4a, the evidence: commits and files since the start commit, the
 * boxes the agent moved, and — for an agent that failed or left no work,
 * unless the loop stopped it — the diagnosis (a rate limit pauses every
 * session of the agent; sessions/agent-diagnosis.ts).
 */
export async function weighEvidence(
  rt: LoopRuntime,
  start: IterationStart,
  ran: AgentRun,
): Promise<Findings> {
  const evidence = await iterationEvidence(start.where.cwd, start.startCommit, [
    rt.prdRel,
    rt.progressRel,
  ]);
  const after = readChecklist(start.prdAbs);
  const ticks = tickChanges(start.before?.list ?? null, after?.list ?? null, start.item.key);
  if (ticks.tickedOthers.length > 0) evidence.tickedOthers = ticks.tickedOthers.map((i) => i.text);
  if (ticks.removed.length > 0) rt.vanished = [...(rt.vanished ?? []), ...ticks.removed];

  const { exit } = ran;
  const failedOrIdle =
    exit.exitCode !== 0 || exit.signal !== null || evidence.workCommits === 0 || ran.timedOut;
  let diagnosis: Diagnosis | null = null;
  if (failedOrIdle && !ran.interrupted) {
    diagnosis = diagnoseAgentEnd(
      { store: rt.store, config: rt.ctx.config() },
      { name: rt.session.name, spec: start.spec },
      {
        exitCode: exit.exitCode,
        signal: exit.signal,
        durationMs: ran.durationMs,
        timedOut: ran.timedOut,
        tail: await readTail(start.logPath, 40),
        launchError: exit.spawnError,
        evidence: {
          isRepo: true,
          commits: evidence.workCommits,
          filesChanged: evidence.files.length,
        },
      },
      { at: new Date() },
    );
  }
  return { evidence, after, diagnosis, ...ticks };
}

/**
 * Step 4b, the judge: did the work game it? History rewritten under the
 * loop, or the files the check depends on changed since the loop started:
 * then the check is not run at all (it would judge with the agent's rules).
 */
export async function checkWork(
  rt: LoopRuntime,
  start: IterationStart,
  ran: AgentRun,
  found: Findings,
): Promise<Checked> {
  const { where } = start;
  const guard = await inspect(rt.guard, {
    cwd: where.cwd,
    top: where.top,
    cwdRel: rt.cwdRel,
    startCommit: start.startCommit,
    endCommit: found.evidence.endCommit,
    rewritten: found.evidence.rewritten === true,
    startBranch: start.startBranch,
    endBranch: found.evidence.branch ?? null,
  });
  const command = rt.settings.check;
  if (command === undefined || !worthChecking(ran, found.evidence.workCommits, guard)) {
    return { guard, check: null };
  }
  rt.say(start.line(`running the check: ${command}`));
  const check = await runCheck(command, where.cwd, {
    timeoutMs: rt.settings.checkTimeoutMs,
    env: sessionEnv(rt.ctx.stateDir, rt.session.id),
  });
  // Something the agent left running outside its process group (setsid) could
  // rewrite the check's files while it ran: look again, and at HEAD.
  const during = await changedDuringCheck(rt, start, found.evidence.endCommit);
  return { guard: during === null ? guard : { ...guard, tampered: during }, check };
}

/**
 * Step 4c, the decision (decide.ts): done only with evidence and a passing
 * check that was not gamed, including a sharp fall in the tests it ran.
 */
export function decide(
  rt: Pick<LoopRuntime, "guard" | "settings">,
  ran: AgentRun,
  found: Findings,
  { guard, check }: Checked,
): IterationDecision {
  // Tests deleted or skipped to get through: a sharp fall from the last passing count.
  const fell = check?.passed ? countFell(rt.guard?.lastTestCount ?? null, check.testsRan) : null;
  return decideIteration({
    historyRewritten: guard.rewritten,
    tampered: tamperedReason(guard.tampered, fell, found.removed),
    exitCode: ran.exit.exitCode,
    signal: ran.exit.signal,
    timedOut: ran.timedOut,
    interrupted: ran.interrupted,
    workCommits: found.evidence.workCommits,
    uncommitted: found.evidence.uncommitted,
    checkConfigured: rt.settings.check !== undefined,
    check,
    tickedOwn: found.tickedOwn,
    diagnosis: found.diagnosis,
  });
}

async function changedDuringCheck(
  rt: LoopRuntime,
  start: IterationStart,
  endCommit: string | null,
): Promise<string | null> {
  const { where } = start;
  const head = headFromFiles(where.top) ?? (await headCommit(where.cwd).catch(() => null));
  if (head !== endCommit) return "HEAD moved while the check ran";
  const again = await inspect(rt.guard, {
    cwd: where.cwd,
    top: where.top,
    cwdRel: rt.cwdRel,
    startCommit: null,
    endCommit,
    rewritten: false,
    startBranch: undefined,
    endBranch: null,
  });
  return again.tampered === null ? null : `while the check ran: ${again.tampered}`;
}
