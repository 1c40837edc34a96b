/**
 * The loop driver: what runs in a loop session's pane (`agentmux _loop
 * RUNDIR`), under the perl supervisor like any agent. It works the PRD item
 * by item with fresh agents until the policy (policy.ts) says stop, writes
 * how it ended (report.ts) and exits 0 only when every item is done; the
 * supervisor then execs the finisher, which notifies.
 *
 * Once stale iterations are resumed and the signal handlers and time limit
 * are in place it hands the work to runSerial (serial.ts) or, with
 * `settings.parallel > 1`, runParallel (parallel.ts); both modes ask the
 * same policy before every start, and neither imports this driver. Either
 * way the driver writes loop-end.json and picks the exit code from
 * END_EXIT_CODES.
 */
import { realpathSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { topLevel } from "../git/git.js";
import { Context } from "../sessions/context.js";
import { runIdOfRunDir, stateDirOfRunDir } from "../sessions/rundir.js";
import { formatDuration } from "../util/format-duration.js";
import { isAgentmuxError } from "../util/errors.js";
import { readPrd } from "../prd/checklist-read.js";
import { END_EXIT_CODES, type LoopEnd } from "./policy.js";
import { ensureProgressFile } from "./progress.js";
import { progressPathFor } from "../prd/progress-path.js";
import { progressText, writeLoopEnd } from "./report.js";
import { setUpGuard } from "./guard.js";
import { loopStatus } from "./items.js";
import { resumeStale } from "./resume.js";
import { requestStop, type LoopRuntime } from "./runtime.js";
import { runSerial } from "./serial.js";

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function buildRuntime(ctx: Context, runDir: string): Promise<LoopRuntime> {
  const store = ctx.store();
  const run = store.getRun(runIdOfRunDir(runDir));
  const session = run ? store.getSessionById(run.sessionId) : null;
  const spec = session?.spec;
  if (!run || !session || !spec?.loop) {
    throw new Error(`no loop run recorded for ${runDir}`);
  }
  const settings = spec.loop;
  const prd = await readPrd(settings.prd, { cwd: spec.cwd });
  const cwdReal = realpathSync(spec.cwd);
  const top = realpathSync((await topLevel(cwdReal)) ?? cwdReal);
  const progressRel = progressPathFor(prd.relativePath);
  ensureProgressFile(join(top, progressRel), basename(prd.relativePath));
  const grace = spec.graceSeconds * 1000;
  const rt: LoopRuntime = {
    ctx,
    store,
    session,
    run,
    spec,
    settings,
    top,
    cwdRel: relative(top, cwdReal),
    prdRel: prd.relativePath,
    progressRel,
    children: new Set(),
    stop: { reason: null, wake: new Set() },
    deadline: settings.timeoutMs === undefined ? null : Date.now() + settings.timeoutMs,
    // The supervisor gives this driver `grace` after its TERM; the agent gets
    // half of it, so the driver still has time to record the iteration.
    graceMs: Math.max(300, Math.floor(grace / 2)),
    say,
  };
  rt.guard = setUpGuard({
    top,
    cwdRel: rt.cwdRel,
    check: settings.check,
    globs: settings.protect ?? [],
    base: run.startCommit,
    lastTestCount: lastPassingCount(store.listIterations(session.id)),
  });
  return rt;
}

/** Tests the latest passing check of this loop reported (any run): the baseline for a sharp fall. */
function lastPassingCount(
  iterations: readonly { outcome: string; check: unknown }[],
): number | null {
  for (let k = iterations.length - 1; k >= 0; k--) {
    const it = iterations[k];
    const check = it?.check as { passed?: boolean; testsRan?: number | null } | null | undefined;
    if (it?.outcome === "done" && check?.passed === true && typeof check.testsRan === "number") {
      return check.testsRan;
    }
  }
  return null;
}

function installStops(rt: LoopRuntime): void {
  for (const sig of ["SIGTERM", "SIGHUP", "SIGINT"] as const) {
    process.on(sig, () => requestStop(rt, sig));
  }
  if (rt.deadline !== null) {
    // setTimeout holds at most ~24.8 days; a longer limit is checked by the policy.
    const ms = Math.min(rt.deadline - Date.now(), 2 ** 31 - 1);
    setTimeout(() => requestStop(rt, "timeout"), ms).unref();
  }
}

/** `agentmux _loop RUNDIR`. Returns the driver's exit status. */
export async function runLoopDriver(runDir: string): Promise<number> {
  const ctx = new Context({ stateDir: stateDirOfRunDir(runDir) });
  let end: LoopEnd;
  try {
    let rt: LoopRuntime;
    try {
      rt = await buildRuntime(ctx, runDir);
    } catch (e) {
      if (!isAgentmuxError(e)) throw e;
      // The PRD went missing or empty between `agentmux loop` and this run (a restart).
      end = { kind: "failed", detail: e.message, ...(e.hint ? { fix: e.hint } : {}) };
      say(`[agentmux loop] cannot start: ${e.message}`);
      writeLoopEnd(runDir, end);
      return END_EXIT_CODES.failed;
    }
    installStops(rt);
    const started = Date.now();
    rt.say(
      `[agentmux loop] ${rt.prdRel} in ${rt.top} · agent ${rt.spec.agent}${rt.settings.check ? ` · check: ${rt.settings.check}` : " · no check"}`,
    );
    await resumeStale(rt);
    if (rt.settings.parallel > 1) {
      const { runParallel } = await import("./parallel.js");
      end = await runParallel(rt);
    } else {
      end = await runSerial(rt);
    }
    if (end.kind === "done" && (rt.vanished?.length ?? 0) > 0) {
      const list = [...new Set(rt.vanished)].map((t) => `"${t}"`).join(", ");
      end = {
        kind: "failed",
        detail: `every item left is done, but ${list} vanished from the PRD while an agent worked`,
        fix: "put the items back in the PRD; if you removed them yourself: agentmux restart <loop>",
      };
    }
    const status = loopStatus(
      rt.store.listLoopItems(rt.session.id),
      rt.settings.attempts,
      rt.store.countIterations({ sessionId: rt.session.id }),
    );
    rt.say(
      `[agentmux loop] ${progressText(status)} after ${formatDuration(Date.now() - started)}: ${end.detail}`,
    );
    for (const item of status.items) {
      rt.say(`  [${item.state === "done" ? "x" : " "}] ${item.text} — ${item.state}`);
    }
    writeLoopEnd(runDir, end);
    return END_EXIT_CODES[end.kind];
  } finally {
    ctx.close();
  }
}
