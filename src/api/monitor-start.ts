import { ensureMonitor } from "../monitor/autostart.js";
import type { Context } from "../sessions/context.js";
import type { StatusJson } from "../sessions/view.js";

/** What a launch (run, loop, restart) did beyond the status: whether it started the monitor. */
export interface Launched {
  status: StatusJson;
  /** The pid of a monitor started for it; null if one ran already or it is off. */
  monitorPid: number | null;
  /** Why the monitor could not be started (exits are still recorded). */
  monitorError: string | null;
  /** Loops: items in the PRD, and how many are open. */
  items?: { total: number; open: number; prd: string };
}

/** The monitor starts on demand after a launch (see monitor/autostart.ts); a failure is reported, not thrown. */
export function monitorFor(ctx: Context): Pick<Launched, "monitorPid" | "monitorError"> {
  try {
    return { monitorPid: ensureMonitor(ctx), monitorError: null };
  } catch (e) {
    return { monitorPid: null, monitorError: (e as Error).message };
  }
}
