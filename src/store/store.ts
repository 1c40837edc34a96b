import type { SessionSpec } from "../sessions/spec.js";
import type { RunState } from "../sessions/lifecycle.js";
import * as notifications from "./notifications.js";
import type { ClaimOptions, NewNotification } from "./notifications.js";
import type { NotificationRow, RunPatch, RunRow, SessionRow } from "./rows.js";
import * as runs from "./runs.js";
import { hasLiveRuns, liveRunsOfAgent } from "./live-runs.js";
import * as loops from "./loops.js";
import type {
  ItemPatch,
  ItemState,
  IterationResult,
  IterationRow,
  LoopItemRow,
  NewIteration,
  SeenItem,
} from "./loops.js";
import * as outboxBatch from "./outbox-batch.js";
import type { NewRun } from "./runs.js";
import * as sessions from "./sessions.js";
import type { NewSession, SessionWithRun } from "./sessions.js";
import { Sql, type Db } from "./sql.js";
import * as usage from "./usage.js";
import type { NewUsage, RunsUsage, UsageEntry } from "./usage.js";
import type { UsageJson } from "../usage/types.js";
import * as hosts from "./hosts.js";
import type { HostLive, HostRow, NewHost, RemoteWatchRow } from "./hosts.js";
import * as monitor from "./monitor.js";
import type { BeatRow, ErroredRow, StallRow, StallSampleRow } from "./monitor.js";
import * as governor from "./governor.js";
import type { GovernorRow } from "./governor.js";

export type {
  NotificationRow,
  NotificationState,
  RunPatch,
  RunRow,
  SessionKind,
  SessionRow,
} from "./rows.js";
export type { ClaimOptions, NewNotification } from "./notifications.js";
export type { NewRun } from "./runs.js";
export type {
  ItemPatch,
  ItemState,
  IterationOutcome,
  IterationResult,
  IterationRow,
  LoopItemRow,
  NewIteration,
  SeenItem,
} from "./loops.js";
export type { NewSession, SessionWithRun } from "./sessions.js";
export type { NewUsage, UsageEntry } from "./usage.js";
export type { HostLive, HostRow, NewHost, RemoteWatchRow } from "./hosts.js";
export type { BeatRow, ErroredRow, StallRow, StallSampleRow } from "./monitor.js";
export type { GovernorRow } from "./governor.js";

/**
 * The agentmux store: one SQLite connection (WAL) shared with other
 * processes through transactions. Open it with openStore (open.ts); every
 * method is synchronous and short. The queries live in sessions.ts, runs.ts
 * and notifications.ts; this class is the one surface callers see.
 */
export class Store {
  private readonly sql: Sql;

  /** @internal Use openStore(dir). */
  constructor(
    db: Db,
    /** The database file. */
    readonly path: string,
  ) {
    this.sql = new Sql(db);
  }

  // sessions
  createSession(input: NewSession): SessionRow {
    return sessions.createSession(this.sql, input);
  }
  getSession(name: string): SessionRow | null {
    return sessions.getSession(this.sql, name);
  }
  getSessionById(id: number): SessionRow | null {
    return sessions.getSessionById(this.sql, id);
  }
  listSessions(opts: { includeRemoved?: boolean } = {}): SessionRow[] {
    return sessions.listSessions(this.sql, opts);
  }
  listSessionsWithLatestRun(opts: { includeRemoved?: boolean } = {}): SessionWithRun[] {
    return sessions.listSessionsWithLatestRun(this.sql, opts);
  }
  markRemoved(id: number): void {
    sessions.markRemoved(this.sql, id);
  }
  purgeSession(id: number): void {
    sessions.purgeSession(this.sql, id);
  }
  updateSessionSpec(id: number, spec: SessionSpec): void {
    sessions.updateSessionSpec(this.sql, id, spec);
  }

  // runs
  createRun(sessionId: number, input: NewRun): RunRow {
    return runs.createRun(this.sql, sessionId, input);
  }
  getRun(id: number): RunRow | null {
    return runs.getRun(this.sql, id);
  }
  latestRun(sessionId: number): RunRow | null {
    return runs.latestRun(this.sql, sessionId);
  }
  listRuns(sessionId: number): RunRow[] {
    return runs.listRuns(this.sql, sessionId);
  }
  updateRun(id: number, patch: RunPatch): RunRow {
    return runs.updateRun(this.sql, id, patch);
  }
  transitionRun(id: number, to: RunState, patch: RunPatch = {}): RunRow {
    return runs.transitionRun(this.sql, id, to, patch);
  }
  trySettle(id: number, to: RunState, patch: RunPatch = {}): RunRow | null {
    return runs.trySettle(this.sql, id, to, patch);
  }
  /** Starting or running runs of sessions of this agent (the launch governor's count). */
  liveRunsOfAgent(agent: string): RunRow[] {
    return liveRunsOfAgent(this.sql, agent);
  }
  hasLiveRuns(): boolean {
    return hasLiveRuns(this.sql);
  }

  // notifications
  addNotifications(runId: number, items: readonly NewNotification[]): NotificationRow[] {
    return notifications.addNotifications(this.sql, runId, items);
  }
  claimPending(opts: ClaimOptions): NotificationRow[] {
    return notifications.claimPending(this.sql, opts);
  }
  markDelivered(id: number): void {
    notifications.markDelivered(this.sql, id);
  }
  /** A notification not yet tried once is pending (one that failed waits for a later retry). */
  hasUnattemptedNotifications(): boolean {
    return notifications.hasUnattempted(this.sql);
  }
  markAttemptFailed(
    id: number,
    error: string,
    opts: { final: boolean; nextAttemptAt?: string | null },
  ): void {
    notifications.markAttemptFailed(this.sql, id, error, opts);
  }
  retryFailedNotifications(sessionId: number, now: number = Date.now()): NotificationRow[] {
    return notifications.retryFailed(this.sql, sessionId, now);
  }
  sessionNotifications(sessionId: number): NotificationRow[] {
    return notifications.sessionNotifications(this.sql, sessionId);
  }
  failedNotifications(): ReturnType<typeof notifications.failedNotifications> {
    return notifications.failedNotifications(this.sql);
  }
  listNotifications(runId: number): NotificationRow[] {
    return notifications.listNotifications(this.sql, runId);
  }
  /** Pending rows and stale claims, oldest first (notify/coalesce.ts decides what to claim). */
  openNotifications(now: number, staleAfterMs: number): NotificationRow[] {
    return outboxBatch.openNotifications(this.sql, now, staleAfterMs);
  }
  /** Claim these rows if still open; call inside transaction() after openNotifications. */
  claimNotifications(
    ids: readonly number[],
    claimer: string,
    now: number,
    staleAfterMs: number,
  ): NotificationRow[] {
    return outboxBatch.claimNotifications(this.sql, ids, claimer, now, staleAfterMs);
  }

  // loops (loops.ts)
  syncLoopItems(sessionId: number, seen: readonly SeenItem[]): void {
    loops.syncLoopItems(this.sql, sessionId, seen);
  }
  listLoopItems(sessionId: number, opts: { includeAbsent?: boolean } = {}): LoopItemRow[] {
    return loops.listLoopItems(this.sql, sessionId, opts);
  }
  updateLoopItem(sessionId: number, key: string, patch: ItemPatch): void {
    loops.updateLoopItem(this.sql, sessionId, key, patch);
  }
  startIteration(input: NewIteration): IterationRow {
    return loops.startIteration(this.sql, input);
  }
  setIterationAgent(id: number, pid: number, start: string | null): void {
    loops.setIterationAgent(this.sql, id, pid, start);
  }
  finishIteration(id: number, result: IterationResult, item: ItemPatch): boolean {
    return loops.finishIteration(this.sql, id, result, item);
  }
  getIteration(id: number): IterationRow | null {
    return loops.getIteration(this.sql, id);
  }
  runningIterations(sessionId: number): IterationRow[] {
    return loops.runningIterations(this.sql, sessionId);
  }
  listIterations(sessionId: number): IterationRow[] {
    return loops.listIterations(this.sql, sessionId);
  }
  countIterations(where: { sessionId?: number; runId?: number }): number {
    return loops.countIterations(this.sql, where);
  }
  loopItemStates(): { sessionId: number; state: ItemState; attempts: number }[] {
    return loops.loopItemStates(this.sql);
  }

  // usage (usage.ts)
  recordUsage(u: NewUsage): void {
    usage.recordUsage(this.sql, u);
  }
  runUsage(runId: number): UsageJson | null {
    return usage.runUsage(this.sql, runId);
  }
  iterationUsage(sessionId: number): { runId: number; itemKey: string; usage: UsageJson | null }[] {
    return usage.iterationUsage(this.sql, sessionId);
  }
  usageOfRuns(plainRunIds: number[], loopRunIds: number[]): RunsUsage {
    return usage.usageOfRuns(this.sql, plainRunIds, loopRunIds);
  }
  usageSince(since: string): UsageEntry[] {
    return usage.usageSince(this.sql, since);
  }

  // remote hosts (hosts.ts)
  addHost(h: NewHost): HostRow {
    return hosts.addHost(this.sql, h);
  }
  getHost(name: string): HostRow | null {
    return hosts.getHost(this.sql, name);
  }
  listHosts(): HostRow[] {
    return hosts.listHosts(this.sql);
  }
  removeHost(name: string): boolean {
    return hosts.removeHost(this.sql, name);
  }
  hostLive(name: string): HostLive | null {
    return hosts.hostLive(this.sql, name);
  }
  setHostLive(name: string, v: HostLive): void {
    hosts.setHostLive(this.sql, name, v);
  }
  addRemoteWatch(
    w: Pick<RemoteWatchRow, "host" | "session" | "runNo" | "notify" | "journalDir">,
  ): void {
    hosts.addRemoteWatch(this.sql, w);
  }
  openRemoteWatches(host?: string): RemoteWatchRow[] {
    return hosts.openRemoteWatches(this.sql, host);
  }
  settleRemoteWatch(id: number, state: string): boolean {
    return hosts.settleRemoteWatch(this.sql, id, state);
  }
  settleRemoteWatchWith(
    id: number,
    state: string,
    items: readonly NewNotification[],
  ): NotificationRow[] | null {
    return hosts.settleRemoteWatchWith(this.sql, id, state, items);
  }
  remoteWatchNotifications(watchId: number): NotificationRow[] {
    return hosts.remoteWatchNotifications(this.sql, watchId);
  }

  // the monitor's records (monitor.ts)
  stallSample(runId: number): StallSampleRow | null {
    return monitor.getStallSample(this.sql, runId);
  }
  putStallSample(runId: number, sample: StallSampleRow): void {
    monitor.putStallSample(this.sql, runId, sample);
  }
  /** When the run was recorded stalled, or null. */
  stallSince(runId: number): string | null {
    return monitor.stallSince(this.sql, runId);
  }
  /** Record the stall; true only for the call that recorded it. */
  claimStall(runId: number, since: string): boolean {
    return monitor.claimStall(this.sql, runId, since);
  }
  /** Recorded stalls of running runs, with their last sampled progress. */
  runningStalls(): StallRow[] {
    return monitor.runningStalls(this.sql);
  }
  restartClaimed(runId: number): boolean {
    return monitor.restartClaimed(this.sql, runId);
  }
  /** Claim the run's one restart; true only for the call that took it. */
  claimRestart(runId: number, at: string): boolean {
    return monitor.claimRestart(this.sql, runId, at);
  }
  releaseRestart(runId: number): void {
    monitor.releaseRestart(this.sql, runId);
  }
  errored(sessionId: number): ErroredRow | null {
    return monitor.getErrored(this.sql, sessionId);
  }
  putErrored(sessionId: number, record: ErroredRow): void {
    monitor.putErrored(this.sql, sessionId, record);
  }
  erroredSessionIds(): Set<number> {
    return monitor.erroredSessionIds(this.sql);
  }
  ackRun(runId: number, at: string): void {
    monitor.ackRun(this.sql, runId, at);
  }
  isAcked(runId: number): boolean {
    return monitor.isAcked(this.sql, runId);
  }
  ackedRunIds(): Set<number> {
    return monitor.ackedRunIds(this.sql);
  }
  monitorBeat(): BeatRow | null {
    return monitor.getBeat(this.sql);
  }
  putMonitorBeat(beat: BeatRow): void {
    monitor.putBeat(this.sql, beat);
  }

  // the launch governor and the outbox's destinations (governor.ts)
  governor(agent: string): GovernorRow | null {
    return governor.getGovernor(this.sql, agent);
  }
  governors(): Map<string, GovernorRow> {
    return governor.listGovernors(this.sql);
  }
  putGovernor(agent: string, state: GovernorRow): void {
    governor.putGovernor(this.sql, agent, state);
  }
  /** When each notification destination (by its key's hash) may get its next message. */
  destinationOpenings(): Map<string, string> {
    return governor.destinationOpenings(this.sql);
  }
  setDestinationOpenings(openings: ReadonlyMap<string, string>, pruneBefore: string): void {
    governor.setDestinationOpenings(this.sql, openings, pruneBefore);
  }

  /** Changes whenever another connection commits (PRAGMA data_version); the monitor's "store changed". */
  dataVersion(): number {
    return this.sql.db.pragma("data_version", { simple: true }) as number;
  }

  /** Several store calls as one IMMEDIATE transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.sql.immediate(fn);
  }

  close(): void {
    if (this.sql.db.open) this.sql.db.close();
  }
}
