import { join } from "node:path";
import Database from "better-sqlite3";
import { AgentmuxError } from "../util/errors.js";
import { sqliteNativeBinding } from "../store/native.js";

/**
 * A lock per repository that holds across processes (several loops, or a
 * loop and a CLI call, on one repo): `git worktree add` must not run twice at
 * once, and merges into the base branch go one at a time. Concurrent adds
 * fail on .git/config.lock on some versions; git 2.39.5 measured here fails 23
 * of 40 with "failed to read .git/worktrees/wN/commondir: Success" (one add
 * reads another's half-written admin dir) and leaves all 40 branches behind.
 *
 * Why SQLite and not an O_EXCL lock file with a pid in it: SQLite's
 * `BEGIN EXCLUSIVE` is an fcntl lock, which the kernel drops the moment its
 * holder dies (even by SIGKILL). A pid file has to be judged stale by someone
 * else, and two processes breaking the same stale file can each delete the
 * other's fresh one; here nothing is ever stale. better-sqlite3 is already
 * loaded by every process that takes this lock (the loop driver has the store
 * open). The file lives in the repository's git common dir, shared by all its
 * worktrees, so every agentmux state directory sees the same lock.
 */

// How often a waiter tries again. Short: an add holds the lock for ~30-80 ms.
const POLL_MS = 15;
// A worktree add or a merge takes seconds at worst; a holder this slow is wedged.
const DEFAULT_WAIT_MS = 120_000;

export function lockFile(commonDir: string, name: string): string {
  return join(commonDir, `agentmux-${name}.lock`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Run `fn` holding the lock `name` of the repository whose git common dir is
 * `commonDir`. Waiting never blocks the event loop (busy timeout 0, polled
 * with jitter), so a loop driver keeps serving its other agents meanwhile.
 */
export async function withRepoLock<T>(
  commonDir: string,
  name: string,
  fn: () => Promise<T>,
  opts: { waitMs?: number } = {},
): Promise<T> {
  const path = lockFile(commonDir, name);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 0, ...sqliteNativeBinding() });
  } catch (e) {
    throw new AgentmuxError(
      "git",
      `Could not open the lock file ${path}: ${(e as Error).message}`,
      {
        hint: "check that the repository's .git directory is writable",
        cause: e,
      },
    );
  }
  try {
    const deadline = Date.now() + (opts.waitMs ?? DEFAULT_WAIT_MS);
    let journalOff = false;
    for (;;) {
      try {
        // No journal: the lock never writes a page, and a journal file left by
        // a killed holder would only be noise in .git. Setting it reads the
        // header, so it can meet the holder's lock too: retried like the lock.
        if (!journalOff) journalOff = db.pragma("journal_mode = OFF", { simple: true }) === "off";
        db.exec("BEGIN EXCLUSIVE");
        break;
      } catch (e) {
        const code = (e as { code?: string }).code ?? "";
        if (!code.startsWith("SQLITE_BUSY") && !code.startsWith("SQLITE_LOCKED")) throw e;
        if (Date.now() > deadline) {
          throw new AgentmuxError("git", `Timed out waiting for the ${name} lock ${path}`, {
            hint: "another agentmux process holds it; see `fuser` on that file",
          });
        }
        await sleep(POLL_MS + Math.floor(Math.random() * POLL_MS));
      }
    }
    try {
      return await fn();
    } finally {
      db.exec("COMMIT");
    }
  } finally {
    db.close();
  }
}
