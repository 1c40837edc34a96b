import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { readFrom } from "../../api/tail.js";
import { StoreChanges } from "../../api/store-changes.js";
import type { Context } from "../../sessions/context.js";
import { isLive } from "../../sessions/lifecycle.js";
import { refreshSession, type SessionView } from "../../sessions/reconcile.js";
import type { SessionRow } from "../../store/store.js";

/**
 * What no event reports — a supervisor killed with SIGKILL while no monitor
 * runs — is found by reconciling the session this often (as `wait` does).
 */
const RECONCILE_MS = 2_000;

/** At most one read of the log per this long: below what a person watching notices. */
const BURST_MS = 25;

/**
 * `tail -f`: hands every new chunk of the log to `onBytes` until the run
 * settles, then the rest. Woken by the log growing (an fs event on its
 * directory: tmux's pipe-pane appends to it) and by the store's commits (the
 * run settling), not by a poll. Resolves with the settled view.
 */
export async function followLog(
  ctx: Context,
  session: SessionRow,
  logPath: string,
  from: number,
  onBytes: (bytes: Buffer, final: boolean) => void,
): Promise<SessionView> {
  let offset = from;
  let wake: (() => void) | null = null;
  let woken = false;
  // Only a store commit (or the reconcile timer) can change the run's state.
  let stale = false;
  const nudge = (): void => {
    woken = true;
    wake?.();
  };
  const storeMoved = (): void => {
    stale = true;
    nudge();
  };
  const watcher = watchLog(logPath, nudge);
  const changes = new StoreChanges(ctx.store(), storeMoved).start();
  const reconcile = setInterval(storeMoved, RECONCILE_MS);
  try {
    let view = await refreshSession(ctx, session);
    while (view.run && isLive(view.run.state)) {
      // Events from here on count: the read below may miss what they announce.
      woken = false;
      const chunk = readFrom(logPath, offset);
      offset = chunk.end;
      if (chunk.bytes.length > 0) onBytes(chunk.bytes, false);
      const readAt = Date.now();
      if (!woken) await new Promise<void>((r) => (wake = r));
      wake = null;
      // An agent printing without pause appends many times a millisecond:
      // take what a burst wrote in one read rather than a read per write.
      const gap = readAt + BURST_MS - Date.now();
      if (gap > 0) await new Promise((r) => setTimeout(r, gap));
      if (stale) {
        stale = false;
        view = await refreshSession(ctx, session);
      }
    }
    onBytes(readFrom(logPath, offset).bytes, true);
    return view;
  } finally {
    clearInterval(reconcile);
    changes.stop();
    watcher?.close();
  }
}

/** An fs watch on the log's directory (the log may not exist yet); null when it cannot be watched. */
function watchLog(logPath: string, onChange: () => void): FSWatcher | null {
  if (logPath === "") return null;
  const name = basename(logPath);
  try {
    const w = watch(dirname(logPath), (_event, file) => {
      if (file === null || file === name) onChange();
    });
    // The directory went away (the session was removed): the store's commit says so too.
    w.on("error", () => w.close());
    return w;
  } catch {
    return null; // the store's commits and the reconcile timer still end the follow
  }
}
