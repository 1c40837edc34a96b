import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import type { Store } from "../store/store.js";

// Several commits in a row (a run finishing writes a few) become one update.
const DEBOUNCE_MS = 15;

/**
 * "Another process committed to the store", for the dashboard's live views:
 * SQLite writes the database or its -wal file on every commit (an inotify
 * event here), and PRAGMA data_version confirms that someone else wrote. The
 * directory is watched only while someone listens: with no browser
 * connected the server does nothing at all.
 */
export class StoreChanges {
  private readonly listeners = new Set<() => void>();
  private watcher: FSWatcher | undefined;
  private seen = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: () => Store) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.watcher) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Tell every listener now: this process itself changed something (its own commits do not move data_version). */
  notify(): void {
    this.schedule(0);
  }

  private start(): void {
    const store = this.store();
    this.seen = store.dataVersion();
    const db = basename(store.path);
    this.watcher = watch(dirname(store.path), (_event, file) => {
      if (file !== null && !file.startsWith(db)) return;
      const version = this.store().dataVersion();
      if (version === this.seen) return;
      this.seen = version;
      this.schedule(DEBOUNCE_MS);
    });
    // The state directory went away: nothing more will change.
    this.watcher.on("error", () => this.stop());
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const l of [...this.listeners]) l();
    }, delayMs);
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
