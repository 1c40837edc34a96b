import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { diagnose } from "../diagnose/diagnose.js";
import { acquireLaunchSlot, limitsFor, reportFromDiagnosis } from "../governor/governor.js";
import { elsewhereFor } from "../sessions/fleet-hook.js";
import { headCommit } from "../git/git.js";
import { headBranchFromFiles, headFromFiles } from "../git/head-file.js";
import { startAgentChild, type AgentExit } from "../process/agent-child.js";
import { buildAgentLaunch, iterationSpec } from "../sessions/agent-launch.js";
import { readEnvFile } from "../sessions/envfile.js";
import { sessionDir } from "../sessions/rundir.js";
import type { Diagnosis } from "../diagnose/types.js";
import type { IterationRow, LoopItemRow } from "../store/store.js";
import { readTail } from "../verify/tail.js";
import { readUsage } from "../usage/read.js";
import { runCheck, type CheckResult } from "./check.js";
import { diffTicks, parseChecklist, tick, type Checklist } from "../prd/checklist.js";
import { decideIteration, type IterationDecision } from "./decide.js";
import { inspect } from "./guard.js";
import { iterationEvidence, type IterationEvidence } from "./item-evidence.js";
import { appendProgress, paneLine } from "./progress.js";
import { buildPrompt } from "./prompt.js";
import { countFell } from "./protect.js";
import { sleepUnlessStopped, type LoopRuntime } from "./runtime.js";
import { ITERATION_DIR_PREFIX } from "../rundir/files.js";

/** With no loop deadline, how long an iteration waits for a launch slot before it fails. */
const SLOT_WAIT_MS = 6 * 60 * 60_000;

class StoppedWaiting extends Error {
  constructor() {
    super("the loop was stopped while waiting for a launch slot");
  }
}

/** Where an iteration works: the main working tree, or an item's own worktree. */
export interface Workplace {
  /** Top directory of the tree (the repository, or the worktree). */
  top: string;
  /** The agent's cwd in it. */
  cwd: string;
  /** Parallel mode: the item's branch. */
  branch?: string;
  /** Whether ticking a done item's box happens here (serial) or after the merge (parallel). */
  tickDone: boolean;
}

export interface IterationOutput {
  iteration: IterationRow;
  decision: IterationDecision;
  evidence: IterationEvidence;
  check: CheckResult | null;
  diagnosis: Diagnosis | null;
}

function readChecklist(path: string): { bytes: Buffer; list: Checklist } | null {
  try {
    const bytes = readFileSync(path);
    return { bytes, list: parseChecklist(bytes) };
  } catch {
    return null; // the agent deleted or renamed the PRD: there is nothing to compare or tick
  }
}

/**
 * One fresh-context iteration on one item (a new agent process, so no context
 * carries over from the last attempt but what the PRD and the repo hold):
 * start commit, prompt, agent in its own process group, wait with a time
 * limit, evidence, check, decision, boxes, record, one line in the pane.
 */
export async function runIteration(
  rt: LoopRuntime,
  item: LoopItemRow,
  where: Workplace,
  position: { index: number; total: number },
): Promise<IterationOutput> {
  const { store, settings } = rt;
  const prdAbs = join(where.top, rt.prdRel);
  const before = readChecklist(prdAbs);
  // Read from the repository's files where it can (no git process): this is per-item overhead.
  const startCommit = headFromFiles(where.top) ?? (await headCommit(where.cwd).catch(() => null));
  // The branch the work must land on: the item's own (parallel), or the one checked out now.
  const startBranch = where.branch ?? headBranchFromFiles(where.top);
  const iteration = store.startIteration({
    runId: rt.run.id,
    sessionId: rt.session.id,
    itemKey: item.key,
    itemText: item.text,
    itemIndex: item.index,
    startCommit,
    ...(where.branch ? { worktree: where.top } : {}),
  });
  const line = (text: string, elapsedMs?: number): string =>
    paneLine({
      index: position.index,
      total: position.total,
      attempt: iteration.attempt,
      maxAttempts: settings.attempts,
      item: item.text,
      text,
      ...(elapsedMs === undefined ? {} : { elapsedMs }),
    });

  const dir = join(rt.run.runDir, `${ITERATION_DIR_PREFIX}${iteration.id}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const promptFile = join(dir, "prompt");
  const logPath = join(dir, "output.log");
  writeFileSync(
    promptFile,
    buildPrompt({
      prdPath: rt.prdRel,
      progressPath: rt.progressRel,
      item: item.text,
      position,
      attempt: iteration.attempt,
      maxAttempts: settings.attempts,
      ...(settings.check ? { check: settings.check } : {}),
      previous: item.attempts > 0 ? item.reason : null,
      ...(where.branch ? { branch: where.branch } : {}),
      ...(rt.guard ? { protect: rt.guard.paths.map((x) => x.path) } : {}),
    }),
    { mode: 0o600 },
  );

  const spec = { ...iterationSpec(rt.spec), cwd: where.cwd };
  let t0 = Date.now();
  let exit: AgentExit;
  let timedOut = false;
  let interrupted = false;
  let agentArgv: readonly string[] = spec.argv;
  try {
    // The shared launch limits (governor/governor.ts): ten loops on one
    // account take turns, and a rate limit any of them hit pauses them all.
    await acquireLaunchSlot(store, rt.spec.agent, {
      limits: limitsFor(rt.spec.agent, rt.ctx.config()),
      ...elsewhereFor(rt.ctx, rt.spec.agent),
      excludeRunId: rt.run.id,
      launcher: `run:${rt.run.id}`,
      maxWaitMs: rt.deadline === null ? SLOT_WAIT_MS : Math.max(0, rt.deadline - Date.now()),
      onWait: (w) => rt.say(line(`waiting: ${w.reason}`)),
      sleep: async (ms) => {
        if (!(await sleepUnlessStopped(rt, ms))) throw new StoppedWaiting();
      },
    });
    t0 = Date.now();
    const launch = await buildAgentLaunch(rt.ctx, spec, dir, rt.session.id);
    agentArgv = launch.argv;
    const env: NodeJS.ProcessEnv = {
      ...readEnvFile(join(sessionDir(rt.ctx.stateDir, rt.session.id), "env")),
      ...launch.env,
      AGENTMUX_SESSION: rt.session.name,
      AGENTMUX_RUN: String(rt.run.id),
      AGENTMUX_RUN_DIR: rt.run.runDir,
      AGENTMUX_ITERATION: String(iteration.id),
      AGENTMUX_ITEM: item.text,
      AGENTMUX_PROMPT_FILE: promptFile,
    };
    rt.say(line(`starting ${rt.spec.agent}${where.branch ? ` on ${where.branch}` : ""}`));
    const child = startAgentChild({
      argv: launch.argv,
      cwd: where.cwd,
      env,
      logPath,
      ...(launch.stdin === "prompt" ? { stdinFile: promptFile } : {}),
    });
    // Recorded before anything else can happen: a driver killed from here on
    // leaves enough behind for the next one to end this agent.
    if (child.pid > 0) store.setIterationAgent(iteration.id, child.pid, child.startTicks);
    rt.children.add(child);
    try {
      const limit = Math.max(
        0,
        Math.min(settings.iterationTimeoutMs, (rt.deadline ?? Infinity) - Date.now()),
      );
      let wake: (() => void) | undefined;
      const stopped = new Promise<"stop">((resolve) => {
        wake = () => resolve("stop");
        if (rt.stop.reason !== null) resolve("stop");
        else rt.stop.wake.add(wake);
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), limit);
      });
      const first = await Promise.race([child.exited, stopped, timeout]);
      clearTimeout(timer);
      if (wake) rt.stop.wake.delete(wake);
      if (first === "timeout" || first === "stop") {
        // The loop's own deadline is a stop of the loop, not the item's failure.
        const loopDeadline = rt.deadline !== null && Date.now() >= rt.deadline - 50;
        if (first === "timeout" && !loopDeadline) timedOut = true;
        else interrupted = true;
        rt.say(line(timedOut ? "time limit reached: stopping the agent" : "stopping the agent"));
        exit = await child.stop(rt.graceMs);
      } else {
        exit = first;
      }
    } finally {
      rt.children.delete(child);
    }
  } catch (e) {
    if (e instanceof StoppedWaiting) {
      // Stopped while waiting for a launch slot: no agent ran, no attempt used.
      interrupted = true;
      exit = { exitCode: null, signal: null };
    } else {
      // The agent could not be launched at all (binary gone, or no slot before the loop's deadline).
      exit = { exitCode: 127, signal: null, spawnError: (e as Error).message };
      writeFileSync(logPath, `${(e as Error).message}\n`, { flag: "a" });
    }
  }
  const durationMs = Date.now() - t0;
  await recordIterationUsage(rt, iteration.id, logPath, agentArgv);

  const evidence = await iterationEvidence(where.cwd, startCommit, [rt.prdRel, rt.progressRel]);
  const after = readChecklist(prdAbs);
  const diff = before && after ? diffTicks(before.list, after.list) : null;
  const tickedOwn = diff?.ticked.some((i) => i.key === item.key) ?? false;
  const tickedOthers = diff?.ticked.filter((i) => i.key !== item.key) ?? [];
  if (tickedOthers.length > 0) evidence.tickedOthers = tickedOthers.map((i) => i.text);
  // Items that vanished from the PRD while the agent worked: a loop whose hard
  // items were deleted must not end "every item is done".
  const removed = before && after ? vanishedItems(before.list, after.list) : [];
  if (removed.length > 0) rt.vanished = [...(rt.vanished ?? []), ...removed];

  const failedOrIdle =
    exit.exitCode !== 0 || exit.signal !== null || evidence.workCommits === 0 || timedOut;
  let diagnosis: Diagnosis | null = null;
  if (failedOrIdle && !interrupted) {
    const tail = await readTail(logPath, 40);
    diagnosis = diagnose({
      agent: rt.spec.agent,
      exitCode: exit.exitCode,
      signal: exit.signal,
      durationMs,
      timedOut,
      outputTail: exit.spawnError ? [...tail, exit.spawnError] : tail,
      evidence: {
        isRepo: true,
        commits: evidence.workCommits,
        filesChanged: evidence.files.length,
      },
      binary: spec.argv[0] ?? rt.spec.agent,
    });
    // A rate limit pauses every session of this agent until its reset (the governor).
    reportFromDiagnosis(
      store,
      rt.spec.agent,
      diagnosis,
      new Date(),
      rt.session.name,
      rt.ctx.config(),
    );
  }

  // Did the work game its judge? History rewritten under the loop, or the
  // files the check depends on changed since the loop started: then the
  // check is not run at all (it would judge with the agent's rules).
  const guard = await inspect(rt.guard, {
    cwd: where.cwd,
    top: where.top,
    cwdRel: rt.cwdRel,
    startCommit,
    endCommit: evidence.endCommit,
    rewritten: evidence.rewritten === true,
    startBranch,
    endBranch: evidence.branch ?? null,
  });

  let check: CheckResult | null = null;
  const worthChecking =
    settings.check !== undefined &&
    guard.rewritten === null &&
    guard.tampered === null &&
    !interrupted &&
    !timedOut &&
    exit.exitCode === 0 &&
    exit.signal === null &&
    evidence.workCommits > 0;
  if (worthChecking && settings.check !== undefined) {
    rt.say(line(`running the check: ${settings.check}`));
    check = await runCheck(settings.check, where.cwd, {
      timeoutMs: settings.checkTimeoutMs,
      env: readEnvFile(join(sessionDir(rt.ctx.stateDir, rt.session.id), "env")),
    });
    // Something the agent left running outside its process group (setsid) could
    // rewrite the check's files while it ran: look again, and at HEAD.
    const during = await changedDuringCheck(rt, where, evidence.endCommit);
    if (during !== null) guard.tampered = during;
  }

  // Tests deleted or skipped to get through: a sharp fall from the last passing count.
  const fell = check?.passed ? countFell(rt.guard?.lastTestCount ?? null, check.testsRan) : null;
  const prdTampered =
    removed.length > 0
      ? `the PRD lost ${removed.length} item(s) while the agent worked (${removed.map((t) => `"${t}"`).join(", ")})`
      : null;
  const decision = decideIteration({
    historyRewritten: guard.rewritten,
    tampered: guard.tampered ?? fell ?? prdTampered,
    exitCode: exit.exitCode,
    signal: exit.signal,
    timedOut,
    interrupted,
    workCommits: evidence.workCommits,
    uncommitted: evidence.uncommitted,
    checkConfigured: settings.check !== undefined,
    check,
    tickedOwn,
    diagnosis,
  });

  // Boxes: other items' ticks are never the agent's to make; this item's box
  // follows the decision. Only the box bytes change (checklist.tick).
  if (after) {
    let bytes = after.bytes;
    for (const other of tickedOthers) bytes = tick(bytes, other.key, false);
    if (decision.box === false || (decision.box === true && where.tickDone)) {
      bytes = tick(bytes, item.key, decision.box);
    }
    if (!bytes.equals(after.bytes)) writeFileSync(prdAbs, bytes);
  }
  if (decision.outcome === "done" && check?.testsRan != null && rt.guard) {
    rt.guard.lastTestCount = check.testsRan;
  }
  let reason = decision.reason;
  if (tickedOthers.length > 0) {
    reason += `; it also ticked ${tickedOthers.length} other item(s) (${tickedOthers
      .map((i) => `"${i.text}"`)
      .join(", ")}), unticked`;
  }

  store.finishIteration(
    iteration.id,
    {
      outcome: decision.outcome,
      counted: decision.counted,
      reason,
      endCommit: evidence.endCommit,
      exitCode: exit.exitCode,
      signal: exit.signal,
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
  rt.say(line(`${decision.outcome}: ${reason}`, durationMs));
  const done = store.getIteration(iteration.id) ?? iteration;
  return { iteration: done, decision: { ...decision, reason }, evidence, check, diagnosis };
}

/** Texts of items in `before` that `after` no longer has (removed, or reworded). */
function vanishedItems(before: Checklist, after: Checklist): string[] {
  const now = new Set(after.items.map((i) => i.key));
  return before.items.filter((i) => !now.has(i.key)).map((i) => i.text);
}

async function changedDuringCheck(
  rt: LoopRuntime,
  where: Workplace,
  endCommit: string | null,
): Promise<string | null> {
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

/** The iteration's tokens and cost from its agent's output (none reported: nothing recorded). */
async function recordIterationUsage(
  rt: LoopRuntime,
  iterationId: number,
  logPath: string,
  argv: readonly string[],
): Promise<void> {
  try {
    const usage = await readUsage(logPath, argv, rt.ctx.config().prices);
    if (usage) {
      rt.store.recordUsage({ runId: rt.run.id, sessionId: rt.session.id, iterationId, usage });
    }
  } catch {
    // Usage is a report: an unreadable log must not cost the item its iteration.
  }
}
