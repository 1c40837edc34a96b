import type { Context } from "../sessions/context.js";
import { isLive } from "../sessions/lifecycle.js";
import { refreshSession } from "../sessions/reconcile.js";
import type { RunState } from "../sessions/types.js";
import { statusJson, type StatusJson } from "../sessions/view.js";
import type { SessionWithRun } from "../store/store.js";
import { contextOf, type ApiOptions } from "./context.js";
import { StoreChanges } from "./store-changes.js";

/**
 * What happened to a session, as the store recorded it. `status` is the
 * session's status JSON at that moment, without tmux's pane facts (those
 * need a tmux round-trip: call status() for them).
 */
export type SessionEvent =
  | { type: "session-added"; at: string; name: string; status: StatusJson }
  | {
      type: "state";
      at: string;
      name: string;
      run: number;
      state: RunState;
      previous: RunState | null;
      status: StatusJson;
    }
  | {
      type: "run-ended";
      at: string;
      name: string;
      run: number;
      state: RunState;
      exitCode: number | null;
      signal: string | null;
      status: StatusJson;
    }
  | { type: "session-removed"; at: string; name: string };

export interface EventsOptions extends ApiOptions {
  /** Ends the iteration (as does `break` in a for await). */
  signal?: AbortSignal;
  /** Start with one `state` event per existing session (previous: null). */
  initial?: boolean;
  /**
   * How often live runs are reconciled with their supervisors, for what no
   * store change reports (a supervisor killed with SIGKILL, no monitor
   * running). Default 5000 ms; 0 turns it off.
   */
  reconcileMs?: number;
}

interface Seen {
  name: string;
  runId: number | null;
  state: RunState | null;
}

/** The events between two snapshots of the store (pure: rows in, events out). */
export function diffSessions(
  before: ReadonlyMap<number, Seen>,
  rows: readonly SessionWithRun[],
  at: string,
): { events: SessionEvent[]; seen: Map<number, Seen> } {
  const events: SessionEvent[] = [];
  const seen = new Map<number, Seen>();
  for (const { session, run } of rows) {
    const now: Seen = { name: session.name, runId: run?.id ?? null, state: run?.state ?? null };
    seen.set(session.id, now);
    const prev = before.get(session.id);
    const status = statusJson(session, run, run?.runNo ?? 0, undefined);
    if (!prev) events.push({ type: "session-added", at, name: session.name, status });
    if (!run) continue;
    const sameRun = prev?.runId === run.id;
    if (sameRun && prev.state === run.state) continue;
    events.push({
      type: "state",
      at,
      name: session.name,
      run: run.runNo,
      state: run.state,
      previous: sameRun ? prev.state : null,
      status,
    });
    // Once per run: a lost run settled later (its exit record turned up) is a state change only.
    if (!isLive(run.state) && (!sameRun || (prev.state !== null && isLive(prev.state)))) {
      events.push({
        type: "run-ended",
        at,
        name: session.name,
        run: run.runNo,
        state: run.state,
        exitCode: run.exitCode,
        signal: run.signal,
        status,
      });
    }
  }
  for (const [id, prev] of before) {
    if (!seen.has(id)) events.push({ type: "session-removed", at, name: prev.name });
  }
  return { events, seen };
}

/**
 * An async iterator of session events, driven by the store's commits (an fs
 * event confirmed by PRAGMA data_version), not by polling each session.
 *
 *   for await (const e of events()) if (e.type === "run-ended") ...
 */
export function events(opts: EventsOptions = {}): AsyncIterableIterator<SessionEvent> {
  return new EventStream(contextOf(opts), opts);
}

class EventStream implements AsyncIterableIterator<SessionEvent> {
  private readonly queue: SessionEvent[] = [];
  private waiter: ((r: IteratorResult<SessionEvent>) => void) | undefined;
  private seen = new Map<number, Seen>();
  private changes: StoreChanges | undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  private reconciling = false;
  private readonly onAbort = (): void => void this.return();

  constructor(
    private readonly ctx: Context,
    opts: EventsOptions,
  ) {
    const store = ctx.store();
    const rows = store.listSessionsWithLatestRun();
    const first = diffSessions(new Map(), rows, new Date().toISOString());
    this.seen = first.seen;
    if (opts.initial === true) this.queue.push(...first.events.filter((e) => e.type === "state"));
    this.changes = new StoreChanges(store, () => this.look()).start();
    const every = opts.reconcileMs ?? 5000;
    if (every > 0) {
      this.timer = setInterval(() => void this.reconcile(), every);
      this.timer.unref();
    }
    if (opts.signal?.aborted) this.done = true;
    opts.signal?.addEventListener("abort", this.onAbort, { once: true });
    this.signal = opts.signal;
  }

  private readonly signal: AbortSignal | undefined;

  private look(): void {
    if (this.done) return;
    const rows = this.ctx.store().listSessionsWithLatestRun();
    const next = diffSessions(this.seen, rows, new Date().toISOString());
    this.seen = next.seen;
    for (const e of next.events) this.push(e);
  }

  /** Live runs whose supervisor vanished become lost here (this connection's writes make no fs event). */
  private async reconcile(): Promise<void> {
    if (this.done || this.reconciling) return;
    this.reconciling = true;
    try {
      const rows = this.ctx.store().listSessionsWithLatestRun();
      for (const { session, run } of rows) {
        if (run && isLive(run.state) && !this.done) await refreshSession(this.ctx, session);
      }
      this.look();
    } catch {
      // A failed reconcile (tmux busy, store locked) is retried at the next tick.
    } finally {
      this.reconciling = false;
    }
  }

  private push(e: SessionEvent): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: e, done: false });
    } else this.queue.push(e);
  }

  next(): Promise<IteratorResult<SessionEvent>> {
    const e = this.queue.shift();
    if (e) return Promise.resolve({ value: e, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<SessionEvent>> {
    if (!this.done) {
      this.done = true;
      this.changes?.stop();
      if (this.timer) clearInterval(this.timer);
      this.signal?.removeEventListener("abort", this.onAbort);
      this.ctx.close();
    }
    this.queue.length = 0;
    const w = this.waiter;
    this.waiter = undefined;
    w?.({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<SessionEvent> {
    return this;
  }
}
