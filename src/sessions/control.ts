import { rmSync } from "node:fs";
import { isAlive, signal } from "../process/pids.js";
import { clearErrored } from "../monitor/policy/errored.js";
import { terminateGroup } from "../process/terminate.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { AgentmuxError, show } from "../util/errors.js";
import type { Context } from "./context.js";
import { isLive } from "./lifecycle.js";
import { refreshSession, type SessionView } from "./reconcile.js";
import { readExit } from "./rundir.js";
import { startRun } from "./start-run.js";
import { sessionDir } from "./rundir.js";

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

/**
 * `agentmux kill`: record the intent, then TERM the supervisor, which ends
 * the agent's process group (TERM, grace, KILL) and settles the run as
 * `killed` through the normal finisher. The dead pane stays readable until
 * `rm`. If the supervisor is gone already, the run is reconciled instead.
 */
export async function killSession(ctx: Context, name: string): Promise<SessionView> {
  const store = ctx.store();
  const session = findSession(ctx, name);
  const view = await refreshSession(ctx, session);
  const run = view.run;
  if (!run || !isLive(run.state)) return view;
  store.updateRun(run.id, { killRequested: true });
  const spec = session.spec;
  const alive = run.runnerPid !== null && isAlive(run.runnerPid, run.runnerStart);
  if (alive && run.runnerPid !== null) signal(run.runnerPid, "SIGTERM");
  else
    await ctx
      .tmux(spec.socket)
      .killSession(session.name)
      .catch(() => undefined); // already gone
  // Grace for the agent, then a little for the finisher (node start-up, git, notifications).
  const settled = await waitUntil(
    () => !isLive(store.getRun(run.id)?.state ?? "killed"),
    (spec.graceSeconds + 10) * 1000,
  );
  if (!settled && readExit(run.runDir) === null && run.agentPid !== null) {
    // The supervisor did not get the agent to stop: end the group ourselves.
    signal(-run.agentPid, "SIGKILL");
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
  const run = await startRun(ctx, session);
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
  if (view.run && isLive(view.run.state)) {
    throw new AgentmuxError(
      "state",
      `Session ${show(name)} is ${view.run.state}; rm removes finished sessions`,
      {
        hint: `stop it first: agentmux kill ${name}`,
      },
    );
  }
  const spec = session.spec;
  const tmux = ctx.tmux(spec.socket);
  if (await tmux.hasSession(session.name)) await tmux.killSession(session.name);
  if (opts.purge) {
    for (const r of store.listRuns(session.id)) rmSync(r.runDir, { recursive: true, force: true });
    rmSync(sessionDir(ctx.stateDir, session.id), { recursive: true, force: true });
    store.purgeSession(session.id);
  } else {
    store.markRemoved(session.id);
  }
  return session;
}
