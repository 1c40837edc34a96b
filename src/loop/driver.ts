/**
 * The loop driver: what runs in a loop session's pane (`agentmux _loop
 * RUNDIR`), under the perl supervisor like any agent. It works the PRD item
 * by item with fresh agents until the policy (policy.ts) says stop, writes
 * how it ended (report.ts) and exits 0 only when every item is done; the
 * supervisor then execs the finisher, which notifies.
 *
 *
 * With `settings.parallel > 1` it hands the work to runParallel
 * (parallel.ts) once stale iterations are resumed and the signal handlers
 * and time limit are in place; both modes ask the same policy before every
 * start. Either way this driver writes loop-end.json and picks the exit code
 * from END_EXIT_CODES.
 */
import { realpathSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { topLevel } from "../git/git.js";
import { Context } from "../sessions/context.js";
import { runIdOfRunDir, stateDirOfRunDir } from "../sessions/rundir.js";
import { formatDuration } from "../util/format-duration.js";
import { isAgentmuxError } from "../util/errors.js";
import { readPrd } from "../prd/checklist-read.js";
import { noteProgress, runIteration } from "./iteration.js";
import {
  END_EXIT_CODES,
  nextNoProgress,
  nextStep,
  type LastIteration,
  type LoopEnd,
  type LoopState,
} from "./policy.js";
import { ensureProgressFile, progressPathFor } from "./progress.js";
import { progressText, writeLoopEnd } from "./report.js";
import { setUpGuard } from "./guard.js";
import { loopStatus } from "./items.js";
import { resumeStale } from "./resume.js";
import { loopState, requestStop, sleepUnlessStopped, type LoopRuntime } from "./runtime.js";

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Re-read the PRD and record its items; the file may have changed since the last iteration. */
export async function syncItems(rt: LoopRuntime): Promise<void> {
  const prd = await readPrd(rt.prdRel, { cwd: rt.top, top: rt.top });
  rt.store.syncLoopItems(
    rt.session.id,
    prd.checklist.items.map((i, index) => ({
      key: i.key,
      text: i.text,
      index,
      checked: i.checked,
    })),
  );
}

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

/** Serial mode: one item at a time in the working tree. */
export async function runSerial(rt: LoopRuntime): Promise<LoopEnd> {
  let iterations = 0;
  let noProgress: LoopState["noProgress"] = { streak: 0, item: null };
  let rateLimitWaits = 0;
  let last: LastIteration | null = null;
  for (;;) {
    try {
      await syncItems(rt);
    } catch (e) {
      if (!isAgentmuxError(e)) throw e;
      return {
        kind: "failed",
        detail: `the PRD can no longer be read: ${e.message}`,
        ...(e.hint ? { fix: e.hint } : {}),
      };
    }
    const state = loopState(rt, { iterations, noProgress, rateLimitWaits, last });
    const { items } = state;
    const step = nextStep(state);
    if (step.do === "end") return step.end;
    if (step.do === "idle") throw new Error("the serial loop has no running item to wait for");
    if (step.do === "wait") {
      rt.say(`[agentmux loop] "${step.item.text}": ${step.reason} (${formatDuration(step.ms)})`);
      rateLimitWaits += 1;
      last = null;
      await sleepUnlessStopped(rt, step.ms);
      continue;
    }
    const item = items.find((i) => i.key === step.item.key);
    if (!item) throw new Error(`item ${step.item.key} vanished from the store`);
    const index = items.indexOf(item);
    iterations += 1;
    const out = await runIteration(
      rt,
      item,
      { top: rt.top, cwd: join(rt.top, rt.cwdRel), tickDone: true },
      { index, total: items.length },
    );
    noteProgress(join(rt.top, rt.progressRel), out);
    noProgress = nextNoProgress(noProgress, out.decision.progress, item.text);
    if (!out.decision.retry) rateLimitWaits = 0;
    last = {
      itemKey: item.key,
      itemText: item.text,
      stop: out.decision.stop,
      retry: out.decision.retry,
      diagnosis: out.diagnosis,
    };
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
