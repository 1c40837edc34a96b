import type { SessionSpec } from "../sessions/spec.js";
import type { RunState } from "../sessions/lifecycle.js";
import * as notifications from "./notifications.js";
import type { ClaimOptions, NewNotification } from "./notifications.js";
import type { NotificationRow, RunPatch, RunRow, SessionRow } from "./rows.js";
import * as runs from "./runs.js";
import { liveRunsOfAgent } from "./live-runs.js";
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
import type { HostRow, NewHost, RemoteWatchRow } from "./hosts.js";

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
export type { HostRow, NewHost, RemoteWatchRow } from "./hosts.js";

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

  // meta
  getMeta(key: string): string | null {
    const row = this.sql.stmt("SELECT value FROM meta WHERE key = ?").get(key);
    return row ? (row.value as string) : null;
  }
  setMeta(key: string, value: string): void {
    this.sql
      .stmt(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }

  deleteMeta(key: string): void {
    this.sql.stmt("DELETE FROM meta WHERE key = ?").run(key);
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
