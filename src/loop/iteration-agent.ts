import { writeFileSync } from "node:fs";
import { acquireLaunchSlot, limitsFor } from "../governor/governor.js";
import { startAgentChild, type AgentChild, type AgentExit } from "../process/agent-child.js";
import { prepareAgent } from "../sessions/agent-env.js";
import { elsewhereFor } from "../sessions/fleet-hook.js";
import type { IterationStart } from "./iteration-start.js";
import { sleepUnlessStopped, type LoopRuntime } from "./runtime.js";

/** With no loop deadline, how long an iteration waits for a launch slot before it fails. */
const SLOT_WAIT_MS = 6 * 60 * 60_000;

/** A loop's own deadline this close counts as reached (timers fire a little early or late). */
const DEADLINE_SLACK_MS = 50;

class StoppedWaiting extends Error {
  constructor() {
    super("the loop was stopped while waiting for a launch slot");
  }
}

/** How the iteration's agent ended, and why agentmux ended it if it did. */
export interface AgentRun {
  exit: AgentExit;
  /** Stopped at the iteration's time limit: the item's failure. */
  timedOut: boolean;
  /** Stopped for the loop's sake (a stop request, the loop's deadline), or never started for it. */
  interrupted: boolean;
  /** From the start of the agent (or of the wait for a slot, if it never started). */
  durationMs: number;
  /** The argv it ran with (what its output is parsed for usage by). */
  argv: readonly string[];
}

/** How long the agent may run: its own limit, cut short by the loop's deadline. Pure. */
export function agentLimitMs(timeoutMs: number, deadline: number | null, now: number): number {
  return Math.max(0, Math.min(timeoutMs, (deadline ?? Infinity) - now));
}

/**
 * Why the wait ended, when it was not the agent's own exit. The loop's own
 * deadline is a stop of the loop, not the item's failure. Pure.
 */
export function whyStopped(
  first: "timeout" | "stop",
  deadline: number | null,
  now: number,
): Pick<AgentRun, "timedOut" | "interrupted"> {
  const loopDeadline = deadline !== null && now >= deadline - DEADLINE_SLACK_MS;
  const timedOut = first === "timeout" && !loopDeadline;
  return { timedOut, interrupted: !timedOut };
}

/** A started agent: its process, when it started, and the argv it runs. */
export interface Launched {
  child: AgentChild;
  startedAt: number;
  argv: readonly string[];
}

/**
 * Step 2, launch: a launch slot from the governor, then the agent in its own
 * process group, recorded by pid at once. An agent that never started comes
 * back as its run already over: stopped while waiting for a slot, or failed
 * to launch like an exit 127, with the reason in its log.
 */
export async function launchAgent(
  rt: LoopRuntime,
  start: IterationStart,
): Promise<Launched | AgentRun> {
  let t0 = Date.now();
  let argv: readonly string[] = start.spec.argv;
  try {
    await takeLaunchSlot(rt, start);
    t0 = Date.now();
    const launch = await prepareAgent(rt.ctx, start.spec, start.dir, {
      session: rt.session,
      runId: rt.run.id,
      runDir: rt.run.runDir,
      promptFile: start.promptFile,
      iteration: { id: start.iteration.id, item: start.item.text },
    });
    argv = launch.argv;
    const branch = start.where.branch;
    rt.say(start.line(`starting ${rt.spec.agent}${branch ? ` on ${branch}` : ""}`));
    const child = startAgentChild({
      argv: launch.argv,
      cwd: start.where.cwd,
      env: launch.env,
      logPath: start.logPath,
      ...(launch.stdin === "prompt" ? { stdinFile: start.promptFile } : {}),
    });
    // Recorded before anything else can happen: a driver killed from here on
    // leaves enough behind for the next one to end this agent.
    if (child.pid > 0) rt.store.setIterationAgent(start.iteration.id, child.pid, child.startTicks);
    return { child, startedAt: t0, argv };
  } catch (e) {
    if (e instanceof StoppedWaiting) {
      // Stopped while waiting for a launch slot: no agent ran, no attempt used.
      const exit = { exitCode: null, signal: null };
      return { exit, timedOut: false, interrupted: true, durationMs: Date.now() - t0, argv };
    }
    // The agent could not be launched at all (binary gone, or no slot before the loop's deadline).
    return launchFailed(start, e, t0, argv);
  }
}

/**
 * Step 3, wait: the agent's exit, or its stop (TERM, grace, KILL) at the
 * time limit or on a stop of the loop, whichever comes first.
 */
export async function waitForAgent(
  rt: LoopRuntime,
  start: IterationStart,
  { child, startedAt, argv }: Launched,
): Promise<AgentRun> {
  rt.children.add(child);
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const limit = agentLimitMs(rt.settings.iterationTimeoutMs, rt.deadline, Date.now());
    const stopped = new Promise<"stop">((resolve) => {
      wake = () => resolve("stop");
      if (rt.stop.reason !== null) resolve("stop");
      else rt.stop.wake.add(wake);
    });
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), limit);
    });
    const first = await Promise.race([child.exited, stopped, timeout]);
    if (first !== "timeout" && first !== "stop") {
      return {
        exit: first,
        timedOut: false,
        interrupted: false,
        durationMs: Date.now() - startedAt,
        argv,
      };
    }
    const why = whyStopped(first, rt.deadline, Date.now());
    rt.say(
      start.line(why.timedOut ? "time limit reached: stopping the agent" : "stopping the agent"),
    );
    const exit = await child.stop(rt.graceMs);
    return { exit, ...why, durationMs: Date.now() - startedAt, argv };
  } catch (e) {
    return launchFailed(start, e, startedAt, argv);
  } finally {
    clearTimeout(timer);
    if (wake) rt.stop.wake.delete(wake);
    rt.children.delete(child);
  }
}

/** An agent that could not be run: an exit 127 whose reason is the last line of its log. */
function launchFailed(
  start: IterationStart,
  e: unknown,
  startedAt: number,
  argv: readonly string[],
): AgentRun {
  const message = (e as Error).message;
  writeFileSync(start.logPath, `${message}\n`, { flag: "a" });
  const exit = { exitCode: 127, signal: null, spawnError: message };
  return { exit, timedOut: false, interrupted: false, durationMs: Date.now() - startedAt, argv };
}

/**
 * The shared launch limits (governor/governor.ts): ten loops on one account
 * take turns, and a rate limit any of them hit pauses them all.
 */
async function takeLaunchSlot(rt: LoopRuntime, start: IterationStart): Promise<void> {
  await acquireLaunchSlot(rt.store, rt.spec.agent, {
    limits: limitsFor(rt.spec.agent, rt.ctx.config()),
    ...elsewhereFor(rt.ctx, rt.spec.agent),
    excludeRunId: rt.run.id,
    launcher: `run:${rt.run.id}`,
    maxWaitMs: rt.deadline === null ? SLOT_WAIT_MS : Math.max(0, rt.deadline - Date.now()),
    onWait: (w) => rt.say(start.line(`waiting: ${w.reason}`)),
    sleep: async (ms) => {
      if (!(await sleepUnlessStopped(rt, ms))) throw new StoppedWaiting();
    },
  });
}
