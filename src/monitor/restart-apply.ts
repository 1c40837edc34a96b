import type { Diagnosis } from "../diagnose/types.js";
import type { Context } from "../sessions/context.js";
import { startRun } from "../sessions/start-run.js";
import type { RunState } from "../sessions/lifecycle.js";
import type { RunRow, SessionRow } from "../store/store.js";
import type { MonitorAction } from "./attention.js";
import { AgentmuxError } from "../util/errors.js";
import { erroredRecord, markErrored } from "../store/errored.js";
import { readGovernor } from "../governor/governor.js";
import { decideRestart, type PastRun } from "./policy/restart.js";
import { backoffTiming, restartPolicyOf } from "./policy-config.js";
import { queueNotice } from "./stall-check.js";
import { wasStalled } from "./stall-state.js";

/**
 * Apply the restart policy (policy/restart.ts) to a session whose latest run
 * ended. A restart is claimed in the store (restart_claims) before the
 * new run starts, so a heartbeat and a watch deciding at once restart a run
 * exactly once.
 */
export interface RestartOutcome {
  action: MonitorAction;
  reason: string;
  at?: string;
  newRun?: number;
  /** Only errored and policy "none" on a failure need a person. */
  attention: boolean;
}

/** A launch slot taken by other sessions of the agent (concurrency, spacing) is asked for again after this. */
const GOVERNOR_RETRY_MS = 2_000;

/**
 * A run that ended because its pane or server went away (the supervisor saw
 * SIGHUP and stopped the agent) died with its tmux, not by its own failure:
 * for the policy it is lost.
 */
export function policyState(run: RunRow): RunState {
  if (
    (run.state === "failed" || run.state === "killed") &&
    run.endReason === "hangup" &&
    !run.killRequested
  ) {
    return "lost";
  }
  return run.state;
}

export async function considerRestart(
  ctx: Context,
  session: SessionRow,
  run: RunRow,
  opts: { apply: boolean; maxWaitMs: number; now: Date },
): Promise<RestartOutcome> {
  const store = ctx.store();
  if (store.restartClaimed(run.id)) {
    return { action: "none", reason: "already restarted", attention: false };
  }
  const spec = session.spec;
  const state = policyState(run);
  const history: PastRun[] = store.listRuns(session.id).map((r) => ({
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    state: r.id === run.id ? state : policyState(r),
    diagnosisCode:
      r.state === "killed" && wasStalled(store, r.id) ? "stall" : (r.diagnosis?.code ?? null),
  }));
  const errored = erroredRecord(store, session.id);
  // The monitor stopped this run as stalled (heartbeat.ts): for the policy that is a failure.
  const stalled = run.state === "killed" && wasStalled(store, run.id);
  const diagnosis: Diagnosis | null =
    stalled && run.diagnosis?.code !== "stall"
      ? { code: "stall", summary: run.diagnosis?.summary ?? "stalled" }
      : run.diagnosis;
  const decision = decideRestart({
    policy: restartPolicyOf(spec, ctx.config()),
    state,
    diagnosis,
    history,
    now: opts.now,
    errored: errored.errored,
    failuresSince: errored.clearedAt,
    // Jitter fixed per run, so every pass (and a second monitor) computes the same due time.
    random: () => ((run.id * 2654435761) % 4294967296) / 4294967296,
    timing: backoffTiming(ctx.env),
  });
  const needsPerson = state === "lost" || state === "failed";
  switch (decision.action) {
    case "none":
      return { action: "none", reason: decision.reason, attention: needsPerson };
    case "wait":
      return { action: "waiting", reason: decision.reason, at: decision.until, attention: false };
    case "errored":
      if (markErrored(store, session.id, decision.reason, opts.now)) {
        queueNotice(
          ctx,
          session,
          run,
          { code: "errored", summary: decision.reason, fix: `agentmux restart ${session.name}` },
          opts.now.getTime(),
          "errored",
        );
      }
      return { action: "errored", reason: decision.reason, attention: true };
    case "restart":
      break;
  }
  const at = new Date(opts.now.getTime() + decision.delayMs).toISOString();
  if (!opts.apply) {
    return {
      action: "restart-due",
      reason:
        "the restart policy restarts it: agentmux heartbeat --restart (or keep agentmux watch running)",
      at,
      attention: true,
    };
  }
  if (decision.delayMs > opts.maxWaitMs) {
    return { action: "restart-due", reason: "backoff", at, attention: false };
  }
  if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
  const claimed = store.transaction(() => {
    if (store.latestRun(session.id)?.id !== run.id) return false; // someone restarted it by hand
    return store.claimRestart(run.id, new Date().toISOString());
  });
  if (!claimed) return { action: "none", reason: "restarted elsewhere", attention: false };
  const fresh = store.getSessionById(session.id);
  if (!fresh || fresh.removedAt !== null) {
    return { action: "none", reason: "removed meanwhile", attention: false };
  }
  let next;
  try {
    // Never block a pass on the agent's shared limits: a slot not free now is tried again later.
    next = await startRun(ctx, fresh, { maxWaitMs: 0, onWait: () => undefined });
  } catch (e) {
    store.releaseRestart(run.id); // not restarted after all: a later pass may
    if (!(e instanceof AgentmuxError) || e.code !== "state") throw e;
    const paused = Date.parse(readGovernor(store, spec.agent).pausedUntil ?? "");
    const retry = paused > Date.now() ? paused : Date.now() + GOVERNOR_RETRY_MS;
    return {
      action: "waiting",
      reason: e.message,
      at: new Date(retry).toISOString(),
      attention: false,
    };
  }
  return {
    action: "restarted",
    reason: `policy restart after ${state}`,
    newRun: next.runNo,
    attention: false,
  };
}
