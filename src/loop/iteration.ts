import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { diagnose } from "../diagnose/diagnose.js";
import { acquireLaunchSlot, limitsFor, reportFromDiagnosis } from "../monitor/policy/governor.js";
import { headCommit } from "../git/git.js";
import { headFromFiles } from "../git/head-file.js";
import { startAgentChild, type AgentExit } from "../process/agent-child.js";
import { buildAgentLaunch, iterationSpec } from "../sessions/agent-launch.js";
import { readEnvFile } from "../sessions/envfile.js";
import { sessionDir } from "../sessions/rundir.js";
import type { Diagnosis } from "../sessions/types.js";
import type { IterationRow, LoopItemRow } from "../store/store.js";
import { readTail } from "../verify/tail.js";
import { readUsage } from "../usage/read.js";
import { runCheck, type CheckResult } from "./check.js";
import { diffTicks, parseChecklist, tick, type Checklist } from "./checklist.js";
import { decideIteration, type IterationDecision } from "./decide.js";
import { iterationEvidence, type IterationEvidence } from "./item-evidence.js";
import { appendProgress, paneLine } from "./progress.js";
import { buildPrompt } from "./prompt.js";
import { sleepUnlessStopped, type LoopRuntime } from "./runtime.js";

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
 * One fresh-context iteration on one item (issue 3, "One iteration" 2-6):
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

  const dir = join(rt.run.runDir, `iter-${iteration.id}`);
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
    // The shared launch limits (monitor/policy/governor.ts): ten loops on one
    // account take turns, and a rate limit any of them hit pauses them all.
    await acquireLaunchSlot(store, rt.spec.agent, {
      limits: limitsFor(rt.spec.agent, rt.ctx.config()),
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
    reportFromDiagnosis(store, rt.spec.agent, diagnosis, new Date(), rt.session.name);
  }

  let check: CheckResult | null = null;
  const worthChecking =
    settings.check !== undefined &&
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
  }

  const decision = decideIteration({
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
      commits: item.commits + evidence.workCommits,
      ...(check ? { checkPassed: check.passed } : {}),
      reason,
    },
  );
  rt.say(line(`${decision.outcome}: ${reason}`, durationMs));
  const done = store.getIteration(iteration.id) ?? iteration;
  return { iteration: done, decision: { ...decision, reason }, evidence, check, diagnosis };
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
