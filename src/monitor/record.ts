import { isAlive, processStartTicks } from "../process/pids.js";
import type { BeatRow, Store } from "../store/store.js";

/**
 * `agentmux watch` records its own heartbeat in the store (monitor_beat) so that `ls`,
 * `status` and `heartbeat` can say when the monitor should be running and is
 * not. "Should be": it ran before and did not stop cleanly (a clean stop —
 * Ctrl-C, SIGTERM — records `stopped`), and sessions are live.
 */
export type MonitorBeat = BeatRow;

export interface MonitorStatus {
  running: boolean;
  pid: number | null;
  lastBeatAt: string | null;
  /** One sentence with the fix, when the monitor should be running and is not. */
  warning: string | null;
}

export function writeBeat(
  store: Store,
  opts: { startedAt: string; intervalMs: number; stopped?: boolean },
): void {
  const beat: MonitorBeat = {
    pid: process.pid,
    ticks: processStartTicks(process.pid),
    startedAt: opts.startedAt,
    at: new Date().toISOString(),
    intervalMs: opts.intervalMs,
    stopped: opts.stopped === true,
  };
  store.putMonitorBeat(beat);
}

export function readBeat(store: Store): MonitorBeat | null {
  return store.monitorBeat();
}

/** `live`: how many sessions are starting or running (no warning without any). */
export function monitorStatus(store: Store, live: number, now = Date.now()): MonitorStatus {
  const beat = readBeat(store);
  if (beat === null) return { running: false, pid: null, lastBeatAt: null, warning: null };
  // Three missed beats, plus slack for a pass that ran long.
  const fresh = now - Date.parse(beat.at) <= 3 * beat.intervalMs + 5_000;
  const running = !beat.stopped && fresh && isAlive(beat.pid, beat.ticks);
  const base = { running, pid: beat.pid, lastBeatAt: beat.at };
  if (running || beat.stopped || live === 0) return { ...base, warning: null };
  const ago = Math.round((now - Date.parse(beat.at)) / 1000);
  return {
    ...base,
    warning: `the monitor (agentmux watch, pid ${beat.pid}) stopped without a clean exit ${ago}s ago; dead sessions are not noticed until it runs again: agentmux watch`,
  };
}
