/**
 * Stall detection as a pure decision. A running session
 * is stalled when, for `stallAfterMs`, none of these moved:
 *
 * - its screen: a hash of the pane's text. Activity timestamps and the log's
 *   mtime also move when a TUI spinner redraws, so they only say whether the
 *   screen is worth capturing again; the hash decides.
 * - its working tree: a hash of `git status` plus the dirty files' sizes and
 *   mtimes (or, outside git, of the files' mtimes under cwd).
 * - its CPU: utime+stime (with reaped children) of the agent's process group.
 *   A test run that prints nothing for 30 minutes but keeps a core busy is
 *   working. Below BUSY_FRACTION of a core is idle: a spinner costs ~1 %.
 *
 * Samples are stored between passes (store meta); the window starts at the
 * first sample, so a heartbeat that first sees a session never calls it
 * stalled on the spot.
 */

/** Share of one core, averaged over a sample interval, above which the agent is working. */
export const BUSY_FRACTION = 0.05;
export const DEFAULT_STALL_AFTER_MS = 20 * 60_000;

export interface StallFacts {
  at: number;
  logMtimeMs: number | null;
  /** null: not captured this time (the log did not change, so neither did the screen). */
  screenHash: string | null;
  /** Clock ticks used by the agent's group; null when unknown (no /proc, group gone). */
  cpuTicks: number | null;
  /** null: not computed (progress was already seen) or unknown. */
  treeHash: string | null;
}

export interface StallSample {
  at: number;
  logMtimeMs: number | null;
  screenHash: string | null;
  cpuTicks: number | null;
  treeHash: string | null;
  /** When progress was last seen; the first sample's time if never. */
  progressAt: number;
}

export interface StallOptions {
  stallAfterMs: number;
  /** Clock ticks per second (sysconf CLK_TCK; 100 on Linux). */
  ticksPerSecond: number;
  busyFraction?: number;
}

export type Progress = "output" | "cpu" | "files" | null;

export interface StallDecision {
  sample: StallSample;
  progress: Progress;
  stalled: boolean;
  /** How long nothing has moved. */
  idleMs: number;
}

/** How often a running session is sampled: a quarter of its window, within [1 s, 5 min]. */
export function sampleEveryMs(stallAfterMs: number): number {
  return Math.min(Math.max(Math.floor(stallAfterMs / 4), 1_000), 5 * 60_000);
}

/** Did the log move since the previous sample (so the screen is worth capturing)? */
export function logMoved(prev: StallSample | null, logMtimeMs: number | null): boolean {
  return prev === null || prev.screenHash === null || logMtimeMs !== prev.logMtimeMs;
}

/** Which kind of progress the facts show against the previous sample, if any. */
export function progressOf(prev: StallSample, f: StallFacts, opts: StallOptions): Progress {
  if (f.screenHash !== null && prev.screenHash !== null && f.screenHash !== prev.screenHash) {
    return "output";
  }
  if (f.cpuTicks !== null && prev.cpuTicks !== null && f.at > prev.at) {
    const cpuSeconds = (f.cpuTicks - prev.cpuTicks) / opts.ticksPerSecond;
    const wallSeconds = (f.at - prev.at) / 1000;
    if (cpuSeconds / wallSeconds >= (opts.busyFraction ?? BUSY_FRACTION)) return "cpu";
  }
  if (f.treeHash !== null && prev.treeHash !== null && f.treeHash !== prev.treeHash) {
    return "files";
  }
  return null;
}

export function decideStall(
  prev: StallSample | null,
  f: StallFacts,
  opts: StallOptions,
): StallDecision {
  if (prev === null) {
    return { sample: { ...f, progressAt: f.at }, progress: null, stalled: false, idleMs: 0 };
  }
  const progress = progressOf(prev, f, opts);
  const progressAt = progress === null ? prev.progressAt : f.at;
  // Facts not gathered this time carry the previous value forward, so the
  // next comparison is still against something seen.
  const sample: StallSample = {
    at: f.at,
    logMtimeMs: f.logMtimeMs,
    screenHash: f.screenHash ?? prev.screenHash,
    cpuTicks: f.cpuTicks,
    treeHash: f.treeHash ?? prev.treeHash,
    progressAt,
  };
  const idleMs = f.at - progressAt;
  return { sample, progress, stalled: progress === null && idleMs >= opts.stallAfterMs, idleMs };
}

// Spinner frames (braille dots, quarter circles, claude's stars) and counters
// ("Working (12s)", "↑ 1.2k tokens") change on every redraw of an idle TUI.
const SPINNER =
  /[\u2800-\u28ff\u25d0-\u25d3\u25f4-\u25f7\u2722\u2733\u2736\u273b\u273d\u00b7\u2022]/g;
const DIGITS = /\d+(?:[.,]\d+)?/g;

/** The pane's text with what an idle TUI redraws (spinners, timers) taken out, for hashing. */
export function normalizeScreen(text: string): string {
  return text
    .replace(SPINNER, "")
    .replace(DIGITS, "#")
    .replace(/[ \t]+$/gm, "");
}
