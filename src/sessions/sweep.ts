import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { endRunProcesses } from "../process/escape.js";
import { removeCgroup } from "../process/run-cgroup.js";
import type { RunRow } from "../store/store.js";
import type { Context } from "./context.js";
import { readCgroup } from "./rundir.js";

/**
 * Ending what a run left behind outside its process group (a dev server
 * started with setsid, a daemon): called wherever a run is settled — the
 * finisher at its end, `kill`, and the monitor after a supervisor or tmux
 * server died (judge.ts, as a run is judged) — and once more by `kill` itself.
 */

/** Tells state directories apart in cgroup names (both may have a run 7). */
export function stateKey(stateDir: string): string {
  return createHash("sha1").update(stateDir).digest("hex").slice(0, 12);
}

/** How many escaped processes were ended for this run so far (for heartbeat's orphansEnded). */
export function readEscapedCount(runDir: string): number {
  try {
    const n = Number(readFileSync(join(runDir, "escaped"), "utf8"));
    return Number.isInteger(n) && n > 0 ? n : 0;
  } catch {
    return 0; // nothing was ended
  }
}

/**
 * End every process still marked as the run's (TERM, the session's grace,
 * KILL). The tmux server of the session's socket is never signalled, even if
 * the agent was the one that started it. Returns how many there were.
 */
export async function endEscaped(
  ctx: Context,
  run: Pick<RunRow, "id" | "runDir">,
  opts: { graceMs: number; socket?: string },
): Promise<number> {
  if (run.runDir === "") return 0; // never launched: nothing can carry its marks
  const server =
    opts.socket === undefined
      ? null
      : await ctx
          .tmux(opts.socket)
          .serverPid()
          .catch(() => null); // no server: nothing to spare
  // A cgroup the agent never joined (the move was refused) holds nothing:
  // its processes are found by their environment marks instead.
  const cgroup = readCgroup(run.runDir);
  const joined = cgroup !== null && existsSync(join(run.runDir, "cgroup-joined"));
  const ended = await endRunProcesses(
    { runId: run.id, runDir: run.runDir, cgroup: joined ? cgroup : null },
    opts.graceMs,
    { exclude: server === null ? [] : [server] },
  );
  if (cgroup !== null && !joined) removeCgroup(cgroup);
  if (ended > 0) {
    try {
      writeFileSync(join(run.runDir, "escaped"), String(readEscapedCount(run.runDir) + ended), {
        mode: 0o600,
      });
    } catch {
      // The run directory was purged meanwhile: the count is only a report.
    }
  }
  return ended;
}
