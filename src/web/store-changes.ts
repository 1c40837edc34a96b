import { StoreChanges } from "../api/store-changes.js";
import type { Store } from "../store/store.js";

// Several commits in a row (a run finishing writes a few) become one update.
const DEBOUNCE_MS = 15;

/**
 * "The store changed", for the dashboard's live views, from the library's
 * StoreChanges (an fs event on the state directory confirmed by PRAGMA
 * data_version). The directory is watched only while someone listens: with
 * no browser connected the server does nothing at all.
 */
export class StoreFeed {
  private readonly listeners = new Set<() => void>();
  private changes: StoreChanges | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: () => Store) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    this.changes ??= new StoreChanges(this.store(), () => this.schedule(DEBOUNCE_MS)).start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Tell every listener now: this process changed something (its own commits do not move data_version). */
  notify(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const l of [...this.listeners]) l();
    }, delayMs);
  }

  stop(): void {
    this.changes?.stop();
    this.changes = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
