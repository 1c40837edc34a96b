import { join } from "node:path";
import type { Launched } from "../api/monitor-start.js";
import type { Context } from "../sessions/context.js";
import { err } from "./output.js";

/** After run, loop or restart: one line on stderr about the monitor it started (or could not). */
export function reportMonitor(ctx: Context, launched: Launched, json: boolean): void {
  if (launched.monitorError !== null) {
    err(
      `agentmux: warning: could not start the monitor: ${launched.monitorError}; exits are still recorded (run agentmux watch yourself)`,
    );
  } else if (launched.monitorPid !== null && !json) {
    err(
      `agentmux: started the monitor (agentmux watch, pid ${launched.monitorPid}; it leaves when nothing is left to watch; log: ${join(ctx.stateDir, "watch.log")})`,
    );
  }
}
