import { rmSync } from "node:fs";
import { isAlive, signal } from "../process/pids.js";
import { clearErrored } from "../store/errored.js";
import { terminateGroup } from "../process/terminate.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { AgentmuxError, show } from "../util/errors.js";
import type { Context } from "./context.js";
import { isActive, isLive } from "./lifecycle.js";
import { refreshSession, type SessionView } from "./reconcile.js";
import { readExit } from "./rundir.js";
import { startRun } from "./start-run.js";
import { sessionDir } from "./rundir.js";
import { endEscaped } from "./sweep.js";
import { killIfOurs } from "./ownership.js";

export function findSession(ctx: Context, name: string): SessionRow {
  const session = ctx.store().getSession(name);
  if (session) return session;
  throw new AgentmuxError("not-found", `No session named ${show(name)}`, {
    hint: "agentmux ls lists them",
  });
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, delay));
  }
  return check();
}

export interface KillOptions {
  /**
   * How long to wait for the run to be recorded. Default: the agent's grace
   * plus time for the finisher (restart needs the run settled first). The CLI
   * answers within a second and leaves the rest to the supervisor.
   */
  waitMs?: number;
}

/**
 * `agentmux kill`: record the intent, then TERM the supervisor, which ends
 * the agent's process group (TERM, grace, KILL) and settles the run as
 * `killed` through the normal finisher. The dead pane stays readable until
 * `rm`. If the supervisor is gone already, the run is reconciled instead.
 * An agent that already exited is not "killed": its run keeps its own exit,
 * and its finisher (the supervisor's pid, which ignores TERM) is left to work.
 */
export async function killSession(
  ctx: Context,
  name: string,
  opts: KillOptions = {},
): Promise<SessionView> {
  const store = ctx.store();
  const session = findSession(ctx, name);
  const view = await refreshSession(ctx, session);
  const run = view.run;
  if (run?.state === "queued") {
    // Nothing runs yet: taken out of the queue.
    store.trySettle(run.id, "killed", {
      endedAt: new Date().toISOString(),
      endReason: "killed-while-queued",
      diagnosis: { code: "killed", summary: "Taken out of the queue before it started." },
    });
    return { session, run: store.getRun(run.id) };
  }
  if (!run || !isLive(run.state)) return view;
  const spec = session.spec;
  const fullWaitMs = (spec.graceSeconds + 10) * 1000;
  const waitMs = opts.waitMs ?? fullWaitMs;
  const alive = run.runnerPid !== null && isAlive(run.runnerPid, run.runnerStart);
  if (readExit(run.runDir) !== null) {
    await waitUntil(() => !isLive(store.getRun(run.id)?.state ?? "killed"), waitMs);
    return refreshSession(ctx, store.getSessionById(session.id) ?? session);
  }
  store.updateRun(run.id, { killRequested: true });
  if (alive && run.runnerPid !== null) signal(run.runnerPid, "SIGTERM");
  // Only a session carrying our mark; a failure means it is already gone.
  else await killIfOurs(ctx, spec.socket, session.name).catch(() => undefined);
  // Grace for the agent, then a little for the finisher (node start-up, git, notifications).
  const settled = await waitUntil(() => !isLive(store.getRun(run.id)?.state ?? "killed"), waitMs);
  if (!settled && waitMs >= fullWaitMs && readExit(run.runDir) === null && run.agentPid !== null) {
    // The supervisor did not get the agent to stop: end the group ourselves.
    signal(-run.agentPid, "SIGKILL");
  }
  // Whatever escaped the group (setsid, daemons) is ended by the finisher. Here
  // only when no finisher will run (the supervisor was already gone) or the
  // caller waited it out: doing it while the supervisor is in its grace period
  // would hold `kill` for the grace, where it must answer within a second.
  if (!alive || (!settled && waitMs >= fullWaitMs)) {
    await endEscaped(ctx, run, { graceMs: spec.graceSeconds * 1000, socket: spec.socket });
  }
  return refreshSession(ctx, store.getSessionById(session.id) ?? session);
}

/** `agentmux restart`: same agent, argv, cwd, env and prompt; a new run. A live run is killed first. */
export async function restartSession(
  ctx: Context,
  name: string,
): Promise<{ session: SessionRow; run: RunRow }> {
  const session = findSession(ctx, name);
  const view = await refreshSession(ctx, session);
  if (view.run && isLive(view.run.state)) await killSession(ctx, name);
  // A lost run's agent may still be editing the tree: never start a second one beside it.
  const last = view.run;
  if (last?.state === "lost" && last.agentPid !== null) {
    await terminateGroup(last.agentPid, last.agentStart, session.spec.graceSeconds * 1000);
  }
  // A queued run is started now (waiting for its slot here), not doubled.
  const run = await startRun(ctx, session, last?.state === "queued" ? { queued: last } : {});
  // A person restarted it: the monitor, which had given up on it (errored), may restart it again.
  clearErrored(ctx.store(), session.id);
  return { session: ctx.store().getSessionById(session.id) ?? session, run };
}

/** `agentmux rm`: close the dead pane and forget the session (history kept unless purge). */
export async function removeSession(
  ctx: Context,
  name: string,
  opts: { purge: boolean },
): Promise<SessionRow> {
  const store = ctx.store();
  const session = findSession(ctx, name);
  const view = await refreshSession(ctx, session);
  if (view.run && isActive(view.run.state)) {
    throw new AgentmuxError(
      "state",
      `Session ${show(name)} is ${view.run.state}; rm removes finished sessions`,
      {
        hint: `stop it first: agentmux kill ${name}`,
      },
    );
  }
  const spec = session.spec;
  // A tmux session of that name that is not ours (the user's own) stays.
  await killIfOurs(ctx, spec.socket, session.name);
  if (opts.purge) {
    for (const r of store.listRuns(session.id)) rmSync(r.runDir, { recursive: true, force: true });
    rmSync(sessionDir(ctx.stateDir, session.id), { recursive: true, force: true });
    store.purgeSession(session.id);
  } else {
    store.markRemoved(session.id);
  }
  return session;
}
