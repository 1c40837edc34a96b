import { existsSync, mkdirSync, rmSync, statSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import type { Context } from "../sessions/context.js";
import { finishRun } from "../sessions/finish.js";
import { paneReport } from "../sessions/pane-report.js";
import { runDirFor } from "../sessions/rundir.js";
import { runFile, writeRunFile, type RunFileName } from "../rundir/files.js";

/**
 * The fast path from an agent's exit to its notification while `agentmux
 * watch` runs. The supervisor records the exit (RUNDIR/exit, written by
 * rename) and then execs a fresh Node process to finish the run, whose
 * start-up alone costs ~80 ms. watch is already running: it watches the
 * run directories of live runs and finishes the run the moment the record
 * appears. Store.trySettle lets exactly one settler win, so nothing is sent
 * twice. While watch watches a run directory it says so there (`watched`);
 * the supervisor then waits for watch's `settled` (what the pane shows and
 * its exit status) instead of starting a finisher that would only compete
 * for the CPU, and starts one after all if watch gives up or dies.
 */
const LOG_QUIET_MS = 8;
const LOG_QUIET_MAX_MS = 250;

export class ExitWatch {
  private readonly dirs = new Map<number, FSWatcher>();
  private readonly settling = new Map<number, Promise<void>>();
  private top: FSWatcher | undefined;
  private closed = false;

  constructor(
    private readonly ctx: Context,
    private readonly log: (line: string) => void,
    /** Called after a run was finished here: watch's own writes do not wake it (data_version). */
    private readonly settled: () => void,
  ) {}

  /** Watch `runs/` for new run directories (created before their tmux session). */
  start(): void {
    const runs = join(this.ctx.stateDir, "runs");
    mkdirSync(runs, { recursive: true, mode: 0o700 });
    this.top = watch(runs, (_event, name) => {
      const id = Number(name);
      if (Number.isInteger(id) && id > 0) this.add(id);
    });
    this.top.on("error", () => undefined); // the fallback timer and pane hooks still cover exits
  }

  /** Keep watching exactly the run directories of these (live) runs. */
  sync(liveRunIds: readonly number[]): void {
    const keep = new Set(liveRunIds);
    for (const id of keep) this.add(id);
    for (const id of [...this.dirs.keys()]) if (!keep.has(id)) this.remove(id);
  }

  /**
   * Stop watching and wait for runs being finished right now. Nothing is
   * watched after this, even if a pass or an event in flight asks for it: an
   * open watcher would keep the process from exiting.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.top?.close();
    for (const id of [...this.dirs.keys()]) this.remove(id);
    await Promise.all(this.settling.values());
  }

  private add(id: number): void {
    if (this.closed || this.dirs.has(id)) return;
    const dir = runDirFor(this.ctx.stateDir, id);
    let w: FSWatcher;
    try {
      w = watch(dir, (_event, name) => {
        if (name === ("exit" satisfies RunFileName)) this.settle(id);
      });
    } catch {
      return; // not created yet (the runs/ event comes first) or already removed
    }
    w.on("error", () => this.remove(id));
    this.dirs.set(id, w);
    writeQuietly(dir, "watched", `${process.pid}\n`);
    // The record may have landed before the watch did.
    if (existsSync(runFile(dir, "exit"))) this.settle(id);
  }

  /** Stop watching a run directory; unless watch settled the run, the supervisor finishes it. */
  private remove(id: number, settled = false): void {
    const w = this.dirs.get(id);
    if (w === undefined) return;
    w.close();
    this.dirs.delete(id);
    if (!settled) rmSync(runFile(runDirFor(this.ctx.stateDir, id), "watched"), { force: true });
  }

  private settle(id: number): void {
    if (this.settling.has(id)) return;
    // .finally runs after set(), even when finish() returns without waiting.
    this.settling.set(
      id,
      this.finish(id).finally(() => this.settling.delete(id)),
    );
  }

  private async finish(id: number): Promise<void> {
    let handedOver = false;
    try {
      const run = this.ctx.store().getRun(id);
      if (!run) return;
      // The agent's last lines travel pty -> tmux -> pipe-pane's cat -> the log
      // after the exit record exists; the diagnosis reads them. git is asked
      // while they arrive.
      const live = run.state === "running" || run.state === "starting";
      const outcome = live ? await finishRun(this.ctx, id, logQuiet(run.logPath)) : null;
      const report = paneReport(this.ctx.store(), id, outcome);
      writeQuietly(run.runDir, "settled", `${report.status}\n${report.text}`);
      handedOver = true;
      // What waits for a destination's window is sent by watch's timer (nextNotificationDue).
      if (outcome) this.settled();
    } catch (e) {
      // The supervisor's own finisher settles it all the same.
      this.log(`finishing run ${id} failed: ${(e as Error).message}`);
    } finally {
      this.remove(id, handedOver);
    }
  }

  /** Runs being finished here right now: a monitor pass leaves them alone. */
  isSettling(id: number): boolean {
    return this.settling.has(id);
  }
}

/** writeRunFile, for a run directory that may have been purged meanwhile. */
function writeQuietly(runDir: string, name: RunFileName, data: string): void {
  try {
    writeRunFile(runDir, name, data);
  } catch {
    // The run directory is gone (purged): nobody is waiting there.
  }
}

/** Wait until the log has not grown for LOG_QUIET_MS (at most LOG_QUIET_MAX_MS). */
async function logQuiet(path: string): Promise<void> {
  const size = (): number => {
    try {
      return statSync(path).size;
    } catch {
      return -1;
    }
  };
  const deadline = Date.now() + LOG_QUIET_MAX_MS;
  let last = size();
  for (;;) {
    await new Promise((r) => setTimeout(r, LOG_QUIET_MS));
    const now = size();
    if (now === last || Date.now() >= deadline) return;
    last = now;
  }
}
