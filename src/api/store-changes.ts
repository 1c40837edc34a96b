import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import type { Store } from "../store/store.js";

/**
 * Calls `onChange` when another process commits to the store: an fs event on
 * the database's directory (SQLite writes the -wal file or the database on
 * every commit), confirmed by PRAGMA data_version so that reads and this
 * connection's own writes do not count. The commit's last step (the WAL
 * index header) is a write to shared memory, which makes no fs event: an
 * event whose commit is not visible yet is looked at again shortly after.
 */
export class StoreChanges {
  private watcher: FSWatcher | undefined;
  private seen: number;
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly onChange: () => void,
  ) {
    this.seen = store.dataVersion();
  }

  start(): this {
    const db = basename(this.store.path);
    this.watcher = watch(dirname(this.store.path), (_event, file) => {
      if (file !== null && !file.startsWith(db)) return;
      this.check();
      // The commit may finish after this event (see above): look again after
      // it, once per burst of events (one commit writes several frames).
      if (this.timers.size === 0) for (const ms of RECHECK_MS) this.later(ms);
    });
    // The directory vanished: callers keep their own fallback timer.
    this.watcher.on("error", () => this.stop());
    return this;
  }

  /** Whether the store changed since the last call (and tell the listener if so). */
  check(): boolean {
    if (this.stopped) return false;
    let v: number;
    try {
      v = this.store.dataVersion();
    } catch {
      return false; // the connection was closed under us: stop() follows
    }
    if (v === this.seen) return false;
    this.seen = v;
    this.onChange();
    return true;
  }

  private later(ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.check();
    }, ms);
    this.timers.add(t);
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

// A commit's WAL write and its index update are microseconds apart; the
// second look covers a busy machine.
const RECHECK_MS = [2, 30];
