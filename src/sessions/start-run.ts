import { existsSync } from "node:fs";
import { join } from "node:path";
import { headCommit } from "../git/git.js";
import { journalStart } from "../journal/journal.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { mainJs, runnerScript } from "../util/paths.js";
import { AgentmuxError } from "../util/errors.js";
import type { Context } from "./context.js";
import { prepareAgent } from "./agent-env.js";
import { snapshotPrd } from "../verify/prd-evidence.js";
import { readStarted, runDirFor, sessionDir, writeRunDir } from "./rundir.js";
import { resolvePerl } from "./perl.js";
import { createRunCgroup } from "../process/run-cgroup.js";
import { stateKey } from "./sweep.js";
import { foreignError, holderOf, killIfOurs, markFor } from "./ownership.js";
import { acquireLaunchSlot, limitsFor, type AcquireOptions } from "../governor/governor.js";
import { elsewhereFor } from "./fleet-hook.js";
import { runFile } from "../rundir/files.js";

export interface StartRunOptions {
  /**
   * How long to wait for the agent's launch limits (governor/governor.ts)
   * before refusing (AgentmuxError "state"). Default 10 min; a known pause that ends
   * later is refused at once, so `agentmux run` never hangs for hours.
   */
  maxWaitMs?: number;
  /** Progress while waiting; default: one line on stderr per new reason. */
  onWait?: AcquireOptions<RunRow>["onWait"];
  /**
   * The session's queued run to start (launch records it with the session, in
   * one transaction; the monitor starts queued runs). Without it a new run is made.
   */
  queued?: RunRow;
  /**
   * When no slot can be had within the wait: true leaves the queued run for the
   * monitor (returned still `queued`, its diagnosis saying until when); false throws.
   */
  queue?: boolean;
}

/** How long `run` waits for the supervisor's first record before returning. */
const STARTED_WAIT_MS = 3_000;

/**
 * One launch of a session: a new run row, its run directory, a tmux session
 * whose pane command is the supervisor (as argv), then wait for the
 * supervisor's `started` record so the caller gets real pids back.
 */
export async function startRun(
  ctx: Context,
  session: SessionRow,
  opts: StartRunOptions = {},
): Promise<RunRow> {
  const store = ctx.store();
  const spec = session.spec;
  const sdir = sessionDir(ctx.stateDir, session.id);
  const perl = await resolvePerl(ctx.env);

  const startCommit = await headCommit(spec.cwd).catch(() => null);
  const newRun = (now: number): RunRow =>
    store.createRun(session.id, {
      state: "starting",
      runDir: "",
      logPath: "",
      startedAt: new Date(now).toISOString(),
      startCommit,
    });
  // A queued run becomes `starting` in the transaction that takes the slot;
  // whoever claims it first (the launching CLI or the monitor) starts it.
  const queued = opts.queued;
  const claim = (now: number): RunRow | null =>
    queued === undefined
      ? newRun(now)
      : store.trySettle(queued.id, "starting", {
          startedAt: new Date(now).toISOString(),
          startCommit,
          diagnosis: null,
        });
  // The shared limits (concurrency, spacing, rate-limit pause) of this agent:
  // the run row is created in the same transaction that takes the slot. A
  // loop's run starts no agent itself: each of its iterations takes a slot.
  let reserved: RunRow | null | undefined;
  try {
    reserved = spec.loop
      ? claim(Date.now())
      : (
          await acquireLaunchSlot(store, spec.agent, {
            limits: limitsFor(spec.agent, ctx.config()),
            ...elsewhereFor(ctx, spec.agent),
            onWait:
              opts.onWait ??
              ((w) => process.stderr.write(`agentmux: ${session.name} waits: ${w.reason}\n`)),
            ...(opts.maxWaitMs === undefined ? {} : { maxWaitMs: opts.maxWaitMs }),
            // A pause (hours, often) is not waited out in the CLI: the launch is queued.
            ...(queued === undefined ? {} : { waitForPause: false }),
            reserve: claim,
          })
        ).reserved;
  } catch (e) {
    if (queued === undefined || opts.queue !== true || !(e instanceof AgentmuxError)) throw e;
    return leaveQueued(ctx, queued, e.message.replace(/^Cannot start \S+ now: /, ""));
  }
  // Someone else (the monitor, or the CLI that queued it) claimed it first.
  if (reserved === null) return store.getRun(queued?.id ?? -1) ?? (queued as RunRow);
  let run = reserved as RunRow;
  const runDir = runDirFor(ctx.stateDir, run.id);
  const logPath = runFile(runDir, "output.log");
  run = store.updateRun(run.id, { runDir, logPath });

  try {
    const promptFile = spec.hasPrompt ? join(sdir, "prompt") : undefined;
    const launch = await prepareAgent(ctx, spec, runDir, {
      session,
      runId: run.id,
      runDir,
      ...(promptFile ? { promptFile: runFile(runDir, "prompt") } : {}),
    });
    const cgroup = createRunCgroup(stateKey(ctx.stateDir), run.id, ctx.env);
    writeRunDir(runDir, {
      argv: launch.argv,
      env: launch.env,
      cwd: spec.cwd,
      stdin: launch.stdin,
      graceSeconds: spec.graceSeconds,
      ...(promptFile ? { promptFile } : {}),
      ...(cgroup !== null ? { cgroup } : {}),
    });
    // ralphy and other self-looping agents tick boxes: keep the PRD as it was to judge them at exit.
    if (spec.launch.prdPath !== undefined && spec.loop === undefined) {
      snapshotPrd(runDir, spec.cwd, spec.launch.prdPath);
    }
    if (JSON.stringify(launch.argv) !== JSON.stringify(spec.argv)) {
      store.updateSessionSpec(session.id, { ...spec, argv: launch.argv });
    }

    if (spec.journalDir) {
      const file = await journalStart(spec.journalDir, {
        runKey: `${session.name}#${run.id}`,
        name: session.name,
        agent: spec.agent,
        cwd: spec.cwd,
        command: spec.display,
        startedAt: new Date(run.startedAt),
      });
      run = store.updateRun(run.id, { journalFile: file });
    }

    const tmux = ctx.tmux(spec.socket);
    tmux.ensureSocketDir();
    // A finished session of the same name may still have its dead pane open:
    // replaced only if it carries our mark; anyone else's is never touched.
    const holder = await killIfOurs(ctx, spec.socket, session.name);
    if (holder.kind === "foreign") throw foreignError(session.name, spec.socket, holder.owner);
    const created = await tmux
      .newSession({
        name: session.name,
        // env(1) execs perl in place (same pid). Skipping perl's locale set-up
        // saves ~0.5 MB of resident memory per session; the supervisor never
        // formats text, and the agent gets its own environment from the run dir.
        command: [
          "/usr/bin/env",
          "PERL_SKIP_LOCALE_INIT=1",
          perl,
          runnerScript,
          runDir,
          process.execPath,
          mainJs,
        ],
        logPath,
        mark: markFor(ctx, run.id),
      })
      .catch(async (e: unknown) => {
        // Someone created a session of that name since we looked.
        if (!/duplicate session/.test((e as Error).message)) throw e;
        const now = await holderOf(ctx, spec.socket, session.name);
        throw foreignError(session.name, spec.socket, now.kind === "foreign" ? now.owner : null);
      });
    run = store.updateRun(run.id, { tmuxSessionId: created.sessionId });
  } catch (e) {
    store.trySettle(run.id, "failed", {
      endedAt: new Date().toISOString(),
      endReason: "launch-failed",
      diagnosis: { code: "launch-failed", summary: (e as Error).message },
    });
    throw e;
  }

  const started = await waitForStarted(runDir, STARTED_WAIT_MS);
  if (started) {
    // The agent may already have exited and been settled by its finisher.
    const settled = store.trySettle(run.id, "running", {
      runnerPid: started.runnerPid,
      agentPid: started.agentPid,
      agentStart: started.agentStart,
    });
    if (settled) return settled;
  }
  return store.getRun(run.id) ?? run;
}

async function waitForStarted(
  runDir: string,
  timeoutMs: number,
): Promise<ReturnType<typeof readStarted>> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 2; Date.now() < deadline; delay = Math.min(delay * 2, 50)) {
    const started = readStarted(runDir);
    if (started) return started;
    if (existsSync(runFile(runDir, "exit"))) return readStarted(runDir);
    await new Promise((r) => setTimeout(r, delay));
  }
  return null;
}

/** The run stays queued; its diagnosis says why and until when (a pause's end). */
function leaveQueued(ctx: Context, run: RunRow, why: string): RunRow {
  const until = /until (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(why)?.[1];
  return ctx.store().updateRun(run.id, {
    diagnosis: {
      code: "queued",
      summary: `Queued: ${why}. The monitor (agentmux watch or heartbeat) starts it when it can.`,
      ...(until === undefined ? {} : { resetAt: until }),
    },
  });
}

export function assertNotLive(name: string, state: string): void {
  if (state === "queued" || state === "starting" || state === "running") {
    throw new AgentmuxError("exists", `A session named "${name}" is ${state}`, {
      hint: `pick another --name, or stop it first: agentmux kill ${name}`,
    });
  }
}
