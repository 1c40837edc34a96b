import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import type { Context } from "../sessions/context.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { PROTOCOL_VERSION, type EventLine, type RunEventStatus } from "./protocol.js";

/**
 * The remote end of a host's event channel (`_remote`, op "events"): one
 * line per run whose state changed, read from this machine's store. Woken
 * by the store's own commits (an fs event on its directory, confirmed by
 * PRAGMA data_version), not by a timer per session. The first lines are a
 * snapshot of every session's latest run, so a caller that reconnects after
 * a drop learns what happened meanwhile from the store itself.
 */

// A commit sends a few fs events (the -wal file, the -shm file): one read for all.
const DEBOUNCE_MS = 5;
// The second look after an fs event that showed no new commit yet.
const RECHECK_MS = 100;
// Anything an fs event could miss (a store on a file system without inotify).
const FALLBACK_MS = 15_000;

export function runEventStatus(session: SessionRow, run: RunRow | null): RunEventStatus {
  const spec = session.spec as { cwd?: string };
  const ended = run?.endedAt ? Date.parse(run.endedAt) : Date.now();
  const d = run?.diagnosis ?? null;
  return {
    name: session.name,
    agent: session.agent,
    run: run?.runNo ?? null,
    state: run?.state ?? "starting",
    exitCode: run?.exitCode ?? null,
    signal: run?.signal ?? null,
    cwd: spec.cwd ?? null,
    startedAt: run?.startedAt ?? null,
    endedAt: run?.endedAt ?? null,
    durationMs: run ? Math.max(0, ended - Date.parse(run.startedAt)) : null,
    logPath: run?.logPath ?? null,
    verdict: run?.verdict ?? null,
    commits: run?.evidence?.commits.length ?? 0,
    uncommitted: run?.evidence?.uncommitted.length ?? 0,
    diagnosis: d
      ? {
          code: d.code,
          summary: d.summary,
          ...(d.fix ? { fix: d.fix } : {}),
          ...(d.resetAt ? { resetAt: d.resetAt } : {}),
          ...(d.retryAfterMs !== undefined ? { retryAfterMs: d.retryAfterMs } : {}),
        }
      : null,
  };
}

/** Stream events to `write` until `stop` resolves. */
export async function streamEvents(
  ctx: Context,
  write: (line: EventLine) => void,
  stop: Promise<void>,
): Promise<void> {
  const store = ctx.store();
  const seen = new Map<string, string>();
  let version = -1;
  const scan = (snapshot: boolean): void => {
    version = store.dataVersion();
    for (const { session, run } of store.listSessionsWithLatestRun()) {
      const key = `${session.id}`;
      // The fields a watcher acts on: which run, its state, and whether it is settled.
      const mark = `${run?.runNo ?? 0}:${run?.state ?? "-"}:${run?.diagnosis ? 1 : 0}`;
      if (seen.get(key) === mark) continue;
      seen.set(key, mark);
      write({ type: "run", status: runEventStatus(session, run), snapshot });
    }
  };
  write({ type: "hello", v: PROTOCOL_VERSION, now: new Date().toISOString() });
  scan(true);
  let timer: NodeJS.Timeout | undefined;
  let recheck: NodeJS.Timeout | undefined;
  const wake = (): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (store.dataVersion() !== version) return scan(false);
      // A commit's last fs event (its -wal write) can come before the commit
      // is visible (the WAL index is shared memory, which reports nothing):
      // look once more, or the change waits for the fallback timer.
      clearTimeout(recheck);
      recheck = setTimeout(() => {
        if (store.dataVersion() !== version) scan(false);
      }, RECHECK_MS);
    }, DEBOUNCE_MS);
  };
  const db = basename(store.path);
  let fsw: FSWatcher | undefined;
  try {
    fsw = watch(dirname(store.path), (_e, file) => {
      if (file === null || file.startsWith(db)) wake();
    });
    fsw.on("error", () => undefined); // the fallback timer still runs
  } catch {
    fsw = undefined; // no inotify here: the fallback timer alone
  }
  const fallback = setInterval(() => scan(false), FALLBACK_MS);
  try {
    await stop;
  } finally {
    clearInterval(fallback);
    if (timer) clearTimeout(timer);
    clearTimeout(recheck);
    fsw?.close();
  }
}
