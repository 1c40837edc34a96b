import { isAlive, isZombie, signal } from "../process/pids.js";
import type { RunRow, SessionRow } from "../store/store.js";
import type { TmuxPane } from "../tmux/client.js";
import type { Context } from "./context.js";
import { isLive } from "./lifecycle.js";
import { readExit, readStarted } from "./rundir.js";

export interface SessionView {
  session: SessionRow;
  run: RunRow | null;
}

// finish.js pulls in git, diagnosis, notifications and the journal; `ls`
// only needs it when a run actually has to be settled, so it loads lazily.
const finishing = (): Promise<typeof import("./finish.js")> => import("./finish.js");

/** How long a run may stay `starting` without its supervisor's record before tmux is asked. */
const START_GRACE_MS = 10_000;

/**
 * Bring a session's latest run up to date with reality, without any daemon:
 * the runner's own records (started/exit files) first, then whether its
 * process is still alive, then tmux. `panes` is one `list-panes -a` shared
 * by all sessions of an `ls`; null means "ask tmux only if needed".
 */
export async function refreshSession(
  ctx: Context,
  session: SessionRow,
  panes: TmuxPane[] | null = null,
): Promise<SessionView> {
  const store = ctx.store();
  let run = store.latestRun(session.id);
  if (!run || !isLive(run.state)) return { session, run };

  const started = readStarted(run.runDir);
  if (started && run.state === "starting") {
    run =
      store.trySettle(run.id, "running", {
        runnerPid: started.runnerPid,
        runnerStart: started.runnerStart,
        agentPid: started.agentPid,
        agentStart: started.agentStart,
      }) ?? store.getRun(run.id);
    if (!run || !isLive(run.state)) return { session, run };
  }

  const runnerPid = run.runnerPid ?? started?.runnerPid ?? null;
  const runnerStart = run.runnerStart ?? started?.runnerStart ?? null;
  // The finisher is the runner's own pid (perl execs node), so "alive" covers it too.
  let runnerAlive = runnerPid !== null && isAlive(runnerPid, runnerStart);
  if (runnerAlive && runnerPid !== null && isZombie(runnerPid)) {
    // Dead but not yet reaped by tmux (its pane's parent): ask tmux to reap, then look again.
    await reap(ctx, session);
    runnerAlive = isAlive(runnerPid, runnerStart) && !isZombie(runnerPid);
  }
  if (runnerAlive) return { session, run };

  if (readExit(run.runDir)) {
    // The agent exited and the runner recorded it, but the finisher never
    // completed (node missing, crashed, killed): finish it here.
    await (await finishing()).finishRun(ctx, run.id);
    return { session, run: store.getRun(run.id) };
  }

  if (runnerPid !== null) {
    const reason = await whyGone(ctx, session, panes);
    await (await finishing()).markLost(ctx, session, run, reason.code, reason.text);
    return { session, run: store.getRun(run.id) };
  }

  // No `started` record: the supervisor never came up, or is about to. The
  // run row is written before its directory and before tmux is asked for the
  // session, so within the grace a missing session is one still being made.
  if (Date.now() - Date.parse(run.startedAt) < START_GRACE_MS) {
    const pane = await paneOf(ctx, session, panes);
    // A dead pane under the same name may be the previous run's, kept by
    // remain-on-exit until this run replaces its tmux session: only this
    // run's own tmux session (its recorded id) can say it failed to start.
    const ours = pane !== undefined && pane.sessionId === run.tmuxSessionId;
    if (!pane?.dead || !ours) return { session, run };
  }
  const reason = await whyGone(ctx, session, panes);
  await (
    await finishing()
  ).markLost(ctx, session, run, reason.code, `the supervisor never started: ${reason.text}`);
  return { session, run: store.getRun(run.id) };
}

async function paneOf(
  ctx: Context,
  session: SessionRow,
  panes: TmuxPane[] | null,
): Promise<TmuxPane | undefined> {
  const spec = session.spec;
  const all = panes ?? (await ctx.tmux(spec.socket).listPanes());
  return all.find((p) => p.sessionName === session.name);
}

async function whyGone(
  ctx: Context,
  session: SessionRow,
  panes: TmuxPane[] | null,
): Promise<{ code: string; text: string }> {
  const spec = session.spec;
  const all = panes ?? (await ctx.tmux(spec.socket).listPanes());
  if (all.length === 0 && (await ctx.tmux(spec.socket).serverPid()) === null) {
    return { code: "server-gone", text: `the tmux server on ${spec.socket} is gone` };
  }
  let pane = all.find((p) => p.sessionName === session.name);
  if (!pane) return { code: "session-gone", text: `tmux session "${session.name}" is gone` };
  if (pane.dead && pane.deadStatus === null && pane.deadSignal === null) {
    // tmux 3.3 marks a pane dead when its pty closes and records the status
    // only once it has reaped the process: a SIGCHLD makes it reap now.
    await reap(ctx, session);
    const again = await ctx.tmux(spec.socket).listPanes();
    pane = again.find((p) => p.sessionName === session.name) ?? pane;
  }
  // The pane dies with its supervisor, but its status is tmux's (and often lost): say what is known.
  const status =
    pane.dead && pane.deadStatus !== null ? ` (pane exit status ${pane.deadStatus})` : "";
  return {
    code: "runner-killed",
    text: `the supervisor was killed without recording the agent's exit${status}`,
  };
}

/** SIGCHLD to the session's tmux server: it reaps exited pane processes and records their status. */
async function reap(ctx: Context, session: SessionRow): Promise<void> {
  const spec = session.spec;
  const pid = await ctx.tmux(spec.socket).serverPid();
  if (pid !== null) signal(pid, "SIGCHLD");
  // tmux handles the signal in its event loop; one round-trip gives it that turn.
  await ctx.tmux(spec.socket).serverPid();
}
