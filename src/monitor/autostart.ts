import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "../sessions/context.js";
import { mainJs } from "../util/paths.js";
import { parseDuration } from "./duration.js";
import { monitorStatus } from "./record.js";

/** How long an autostarted watch stays with nothing left to watch ($AGENTMUX_MONITOR_IDLE_EXIT). */
export const AUTOSTART_IDLE_EXIT = "2m";

function idleExit(env: NodeJS.ProcessEnv): string {
  const v = env.AGENTMUX_MONITOR_IDLE_EXIT;
  if (v === undefined) return AUTOSTART_IDLE_EXIT;
  try {
    parseDuration(v); // what watch --idle-exit accepts
    return v;
  } catch {
    return AUTOSTART_IDLE_EXIT; // a bad value must not keep the monitor from starting
  }
}

/**
 * The monitor starts on demand, the way tmux starts its server: `run`,
 * `loop` and `restart` start `agentmux watch --idle-exit 2m` in the
 * background when none is running for this state directory (config
 * `"monitor": false` turns this off). With it, an exit is reported within
 * ~20 ms instead of the ~150 ms a fresh finisher takes, and a killed
 * supervisor is noticed at once. It leaves when nothing is live, due or
 * pending. Returns the new watch's pid, or null when none was started.
 *
 * Two launches racing here may both start one: watch's own lock keeps one
 * and the other exits at once, saying so in the log.
 */
export function ensureMonitor(ctx: Context): number | null {
  if (ctx.config().monitor === false) return null;
  if (monitorStatus(ctx.store(), 1).running) return null;
  const log = openSync(join(ctx.stateDir, "watch.log"), "a", 0o600);
  try {
    const child = spawn(
      process.execPath,
      // --json: one timestamped line per event in the log.
      [mainJs, "watch", "--idle-exit", idleExit(ctx.env), "--socket", ctx.socket, "--json"],
      {
        detached: true,
        stdio: ["ignore", log, log],
        env: { ...ctx.env, AGENTMUX_HOME: ctx.stateDir },
      },
    );
    child.unref();
    return child.pid ?? null;
  } finally {
    closeSync(log);
  }
}
