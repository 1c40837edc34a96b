import { logWrittenAt } from "../rundir/log.js";
import type { NotificationView } from "./notify-view.js";
import type { RunRow, SessionRow } from "../store/store.js";
import type { TmuxPane } from "../tmux/client.js";
import type { UsageJson } from "../usage/types.js";
import type { LoopStatus } from "../prd/item-status.js";
import type { Diagnosis } from "../diagnose/types.js";
import type { RunState } from "./lifecycle.js";
import type { Evidence, Verdict } from "../verify/types.js";

/** The documented shape of `status --json` and of each `ls --json` element. */
export interface StatusJson {
  name: string;
  kind: string;
  agent: string;
  state: RunState | "foreign";
  exitCode: number | null;
  signal: string | null;
  pid: number | null;
  agentPid: number | null;
  cwd: string | null;
  argv: string[];
  command: string | null;
  socket: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  lastOutputAt: string | null;
  runs: number;
  run: number | null;
  endReason: string | null;
  logPath: string | null;
  evidence: Evidence | null;
  verdict: Verdict | null;
  diagnosis: Diagnosis | null;
  foreign: boolean;
  tmux: { session: string; paneDead: boolean | null } | null;
  /** Loop sessions only: the items and their states (`ls` gives the counts without items). */
  loop?: LoopView;
  /** `status`: the latest run's notifications and any earlier undelivered ones (notify-view.ts). */
  notifications?: NotificationView[];
  /** `ls`: notifications given up on (state failed); `agentmux notify retry NAME` sends them again. */
  notificationsFailed?: number;
  /** What the monitor knows beyond the state (monitor/flags.ts); absent for foreign sessions. */
  stalled?: string | null;
  errored?: boolean;
  pausedUntil?: string | null;
  acked?: boolean;
  /** Tokens and cost of the run as its agent reported them; null: none reported (`status`, `ls --json`). */
  usage?: UsageJson | null;
}

/**
 * A loop's items as `ls` (counts) and `status` (everything) show them. The
 * caller counts them (loop/items.ts loopStatus, whose result fits this shape)
 * and passes them in: the lifecycle does not import the loop above it.
 */
export interface LoopView {
  total: number;
  done: number;
  failed: number;
  pending: number;
  iteration?: number;
  currentItem?: string | null;
  /** `status` only: tokens and cost over every iteration so far. */
  usage?: UsageJson | null;
  items?: LoopItemView[];
}

/** One item as `loopStatus` (prd/item-status.ts) reports it; `status` adds its tokens. */
export type LoopItemView = LoopStatus["items"][number] & { usage?: UsageJson | null };

export function statusJson(
  session: SessionRow,
  run: RunRow | null,
  runCount: number,
  pane: TmuxPane | undefined,
  now: number = Date.now(),
  loop?: LoopView,
): StatusJson {
  const spec = session.spec;
  const end = run?.endedAt ? Date.parse(run.endedAt) : now;
  return {
    name: session.name,
    kind: session.kind,
    agent: session.agent,
    state: run?.state ?? "starting",
    exitCode: run?.exitCode ?? null,
    signal: run?.signal ?? null,
    pid: run?.runnerPid ?? null,
    agentPid: run?.agentPid ?? null,
    cwd: spec.cwd,
    argv: spec.argv,
    command: spec.display,
    socket: spec.socket,
    startedAt: run?.startedAt ?? null,
    endedAt: run?.endedAt ?? null,
    durationMs: run ? Math.max(0, end - Date.parse(run.startedAt)) : null,
    // Recorded when the run was judged; a live run's (and an older or lost one's) log is asked.
    lastOutputAt: run?.lastOutputAt ?? logWrittenAt(run?.logPath),
    runs: runCount,
    run: run?.runNo ?? null,
    endReason: run?.endReason ?? null,
    logPath: run?.logPath ?? null,
    evidence: run?.evidence ?? null,
    verdict: run?.verdict ?? null,
    diagnosis: run?.diagnosis ?? null,
    foreign: false,
    tmux: pane ? { session: pane.sessionName, paneDead: pane.dead } : null,
    ...(loop ? { loop } : {}),
  };
}

/** A session on the socket that agentmux did not start: listed, never touched. */
export function foreignJson(name: string, socket: string, panes: TmuxPane[]): StatusJson {
  const pane = panes.find((p) => p.sessionName === name);
  return {
    name,
    kind: "foreign",
    agent: "-",
    state: "foreign",
    exitCode: pane?.deadStatus ?? null,
    signal: null,
    pid: pane?.panePid ?? null,
    agentPid: null,
    cwd: null,
    argv: [],
    command: null,
    socket,
    startedAt: null,
    endedAt: null,
    durationMs: null,
    lastOutputAt: pane?.activityAt ? pane.activityAt.toISOString() : null,
    runs: 0,
    run: null,
    endReason: null,
    logPath: null,
    evidence: null,
    verdict: null,
    diagnosis: null,
    foreign: true,
    tmux: pane ? { session: name, paneDead: pane.dead } : null,
  };
}
