import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import type { Context } from "../sessions/context.js";
import type { SessionWithRun } from "../store/store.js";
import { isLive } from "../sessions/lifecycle.js";
import { nextNotificationDue } from "../notify/outbox.js";
import {
  hookPaneDied,
  paneDiedChannel,
  releasePaneDiedWaiters,
  waitPaneDied,
} from "../tmux/control.js";
import { AgentmuxError } from "../util/errors.js";
import { reportLine } from "./attention.js";
import { heartbeatPass, type PassReport } from "./heartbeat.js";
import { ExitWatch } from "./exit-watch.js";
import { acquireLock } from "./lock.js";
import { stallAfterOf } from "./policy-config.js";
import { writeBeat } from "./record.js";
import { sampleEveryMs } from "./stall.js";
import { RemoteFollower } from "../remote/follow.js";

/**
 * `agentmux watch`: the heartbeat pass, run when something happens rather
 * than on a tight timer. Wake-ups:
 *   - a hooked pane died (tmux `pane-died` hook -> this state directory's
 *     wait-for channel): a supervisor was SIGKILLed, or a finisher exited;
 *   - the server died: the blocked `tmux wait-for` client ends;
 *   - another process committed to the store (a run was created, a finisher
 *     settled one, a kill was requested): an fs event on the database's
 *     directory, confirmed by PRAGMA data_version so that watch's own writes
 *     do not wake it;
 *   - a restart's backoff or a stall sample is due;
 *   - the fallback timer (30 s), for anything no event reports.
 * Separately, an agent's recorded exit is finished at once (exit-watch.ts).
 * Passes never overlap; wake-ups during a pass fold into one more pass.
 * Stopping detaches from tmux and leaves every agent running.
 */
export interface WatchOptions {
  restart: boolean;
  fallbackMs: number;
  log: (line: string) => void;
  /**
   * Leave once nothing has been live, due (a restart's backoff) or pending
   * (a notification not yet tried) for this long; watch started on demand uses it.
   */
  idleExitMs?: number;
}

/** Several events for one change (a session closing sends a few) fold into one pass. */
const DEBOUNCE_MS = 10;
/** The second look after a store fs event that showed no new commit yet. */
const STORE_RECHECK_MS = 100;
const NOTIFY_MIN_WAIT_MS = 250;

/**
 * No control-mode client (`tmux -C attach`) on purpose. tmux 3.3a's
 * control_write() dereferences the client's control state, which is still
 * NULL while a control client is between its identify messages and
 * control_start(); a session created or closed in that instant (the
 * %sessions-changed notification goes to every control client) segfaults the
 * server ("segfault at 20" in the kernel log) and every session on the socket
 * dies. Several state directories' monitors attaching and re-attaching while
 * their runs start made that a matter of seconds (fixed upstream after 3.3a).
 * Everything the control client reported is seen without one: a pane's death
 * through its hook, the server's death by the wait-for client ending, a
 * session's start by the store change, a session killed under its supervisor
 * by the supervisor's own exit record.
 */
interface Connection {
  socket: string;
  closed: boolean;
  /** tmux session ids already given the pane-died hook. */
  hooked: Set<string>;
  /** Ends this connection's blocked `tmux wait-for` client when it is dropped. */
  abort: AbortController;
  /** The loop around the blocked `tmux wait-for` client; ends after abort. */
  waiting: Promise<void>;
}

export class Watcher {
  private readonly conns = new Map<string, Connection>();
  /** Wait-for clients of dropped connections, until they have exited. */
  private readonly dropped = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  /** A second look at the store after an fs event that showed no commit yet. */
  private recheck: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private fsWatcher: FSWatcher | undefined;
  private exits: ExitWatch | undefined;
  /** Event channels to remote hosts whose runs were started from here. */
  private remote: RemoteFollower | undefined;
  private releaseLock: (() => void) | undefined;
  private readonly startedAt = new Date().toISOString();
  private readonly printed = new Map<string, string>();
  /** The store's data_version when the last pass began: a change means another process wrote. */
  private seenVersion = -1;
  /** Resolves when the watcher stops. */
  readonly done: Promise<void>;
  private resolveDone: () => void = () => undefined;
  passes = 0;
  /** Since when nothing has been live, due or pending (for idleExitMs). */
  private idleSince: number | null = null;

  constructor(
    private readonly ctx: Context,
    private readonly opts: WatchOptions,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  start(): void {
    const store = this.ctx.store(); // creates the state directory on a first run
    const lock = acquireLock(this.ctx.stateDir);
    if (!lock.acquired) {
      throw new AgentmuxError("exists", `agentmux watch is already running (pid ${lock.pid})`, {
        hint: "one monitor per state directory is enough; stop that one first to start another",
      });
    }
    this.releaseLock = lock.release;
    writeBeat(store, { startedAt: this.startedAt, intervalMs: this.opts.fallbackMs });
    // SQLite writes the -wal file (or the database itself) on every commit.
    const db = basename(store.path);
    this.fsWatcher = watch(dirname(store.path), (_event, file) => {
      if (file !== null && !file.startsWith(db)) return;
      if (this.stopped) return;
      if (this.ctx.store().dataVersion() !== this.seenVersion) return this.wake(DEBOUNCE_MS);
      // A commit's last fs event (its -wal write) can come before the commit is
      // visible (the WAL index is shared memory, which reports nothing): look
      // once more shortly, or the change waits for the fallback timer.
      clearTimeout(this.recheck);
      this.recheck = setTimeout(() => {
        if (!this.stopped && this.ctx.store().dataVersion() !== this.seenVersion) this.wake(0);
      }, STORE_RECHECK_MS);
    });
    // The directory vanished: the fallback timer still runs.
    this.fsWatcher.on("error", () => this.wake(0));
    // A run it finishes may need a restart or a notification batch: look at once.
    this.exits = new ExitWatch(this.ctx, this.opts.log, () => this.wake(DEBOUNCE_MS));
    this.exits.start();
    this.remote = new RemoteFollower(this.ctx, this.opts.log, () => this.wake(DEBOUNCE_MS));
    this.wake(0);
  }

  /** Run a pass after `delayMs` (or sooner, if one is already due sooner). */
  wake(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + delayMs;
    if (at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.pass();
    }, delayMs);
  }

  private async pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          this.seenVersion = this.ctx.store().dataVersion();
          const report = await heartbeatPass(this.ctx, {
            restart: this.opts.restart,
            maxRestartWaitMs: 0,
            busy: (id) => this.exits?.isSettling(id) === true,
          });
          this.passes++;
          this.print(report);
          writeBeat(this.ctx.store(), {
            startedAt: this.startedAt,
            intervalMs: this.opts.fallbackMs,
          });
          // One read of every session after the pass, shared by what follows:
          // with a thousand sessions, each read is a noticeable part of an idle pass.
          const rows = this.ctx.store().listSessionsWithLatestRun();
          this.exits?.sync(rows.flatMap((r) => (r.run && isLive(r.run.state) ? [r.run.id] : [])));
          await this.connect(rows);
          this.remote?.sync();
          this.scheduleNext(
            report,
            this.ctx.store().dataVersion() === this.seenVersion ? rows : null,
          );
        } catch (e) {
          // One bad pass (tmux wedged, store busy) must not end the monitor.
          this.opts.log(`pass failed: ${(e as Error).message}`);
          this.wake(Math.min(this.opts.fallbackMs, 5_000));
        }
      } while (this.again && !this.stopped);
    })();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  private print(report: PassReport): void {
    for (const s of report.sessions) {
      const line = reportLine(s);
      if (this.printed.get(s.name) === line) continue;
      this.printed.set(s.name, line);
      this.opts.log(line);
    }
  }

  /** The next timed wake-up: fallback, a restart's backoff, a notification's window, or the soonest stall sample. */
  private scheduleNext(report: PassReport, seen: readonly SessionWithRun[] | null): void {
    const store = this.ctx.store();
    // Read again only if another process wrote meanwhile (connect() awaited tmux).
    const rows = seen ?? store.listSessionsWithLatestRun();
    let next = this.opts.fallbackMs;
    if (report.nextDueAt)
      next = Math.min(next, Math.max(0, Date.parse(report.nextDueAt) - Date.now()));
    // Notifications that waited for their destination's window go out when it
    // opens (never a busy loop: a destination just tried is due a window later).
    const notifyAt = nextNotificationDue(store);
    if (notifyAt)
      next = Math.min(next, Math.max(NOTIFY_MIN_WAIT_MS, Date.parse(notifyAt) - Date.now()));
    if (this.opts.idleExitMs !== undefined) {
      const live =
        rows.some((r) => r.run !== null && isLive(r.run.state)) ||
        store.openRemoteWatches().length > 0;
      // A notification that already failed is retried by any later watch or
      // heartbeat: only first deliveries keep an on-demand watch here.
      const idle = !live && report.nextDueAt === null && !store.hasUnattemptedNotifications();
      const now = Date.now();
      this.idleSince = idle ? (this.idleSince ?? now) : null;
      if (this.idleSince !== null) {
        const left = this.idleSince + this.opts.idleExitMs - now;
        if (left <= 0) {
          this.opts.log("nothing left to watch: agentmux watch is leaving");
          // Not from inside this pass: stop() waits for it to end.
          setImmediate(() => void this.stop());
          return;
        }
        next = Math.min(next, left);
      }
    }
    const cfg = this.ctx.config();
    for (const row of rows) {
      if (row.run?.state !== "running") continue;
      next = Math.min(next, sampleEveryMs(stallAfterOf(row.session.spec, cfg)));
    }
    this.wake(next);
  }

  /** Attach to every socket with live sessions (plus the default) and hook their sessions. */
  private async connect(rows: readonly SessionWithRun[]): Promise<void> {
    const live = rows.filter((r) => r.run !== null && isLive(r.run.state));
    const sockets = new Set([this.ctx.socket, ...live.map((r) => r.session.spec.socket)]);
    for (const socket of sockets) {
      let conn = this.conns.get(socket);
      if (!conn || conn.closed) {
        conn = (await this.open(socket)) ?? undefined;
        if (!conn) continue;
      }
      const c = conn;
      const fresh = live.filter(
        (r) =>
          r.session.spec.socket === socket &&
          r.run?.tmuxSessionId != null &&
          !c.hooked.has(r.run.tmuxSessionId),
      );
      if (fresh.length === 0) continue;
      const names = fresh.map((r) => r.session.name);
      // One tmux call for all; if one session vanished meanwhile, hook the rest one by one.
      const channel = paneDiedChannel(this.ctx.stateDir);
      const ok = await hookPaneDied(socket, names, channel, this.ctx.env);
      for (const r of fresh) {
        if (ok || (await hookPaneDied(socket, [r.session.name], channel, this.ctx.env))) {
          c.hooked.add(r.run?.tmuxSessionId ?? "");
        }
      }
      // A pane that died before its hook was set sent no signal: look once more.
      this.wake(DEBOUNCE_MS);
    }
  }

  /** Connect to one socket's server; null when no server runs there (watch never starts one). */
  private async open(socket: string): Promise<Connection | null> {
    const tmux = this.ctx.tmux(socket);
    if ((await tmux.serverPid()) === null) return null;
    // A watch of this state directory that was SIGKILLed left its wait-for
    // client blocked: release it (the channel is this directory's only).
    await releasePaneDiedWaiters(socket, paneDiedChannel(this.ctx.stateDir), this.ctx.env);
    const conn: Connection = {
      socket,
      closed: false,
      hooked: new Set(),
      abort: new AbortController(),
      waiting: Promise.resolve(),
    };
    this.conns.set(socket, conn);
    conn.waiting = this.waitLoop(conn);
    return conn;
  }

  private async waitLoop(conn: Connection): Promise<void> {
    while (!conn.closed && !this.stopped) {
      const r = await waitPaneDied(
        conn.socket,
        paneDiedChannel(this.ctx.stateDir),
        this.ctx.env,
        conn.abort.signal,
      );
      if (this.stopped || conn.closed) return;
      this.wake(0);
      if (r === "gone") {
        this.drop(conn);
        return;
      }
    }
  }

  private drop(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    conn.abort.abort();
    const ended = conn.waiting.finally(() => this.dropped.delete(ended));
    this.dropped.add(ended);
    if (this.conns.get(conn.socket) === conn) this.conns.delete(conn.socket);
    this.wake(0); // the server may be gone: reconcile now (not once stopped)
  }

  /** Stop watching. Agents keep running; the lock and a clean-stop beat are recorded. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    clearTimeout(this.recheck);
    this.fsWatcher?.close();
    const exits = this.exits?.close();
    const remote = this.remote?.stop();
    if (this.running) await this.running.catch(() => undefined);
    // Every tmux client watch started must be gone, or this process never exits.
    for (const conn of [...this.conns.values()]) this.drop(conn);
    await Promise.all([exits, remote, ...this.dropped]);
    try {
      writeBeat(this.ctx.store(), {
        startedAt: this.startedAt,
        intervalMs: this.opts.fallbackMs,
        stopped: true,
      });
    } finally {
      this.releaseLock?.();
      this.resolveDone();
    }
  }
}
