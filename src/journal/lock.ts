import { randomBytes } from "node:crypto";
import { open, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { AgentmuxError, show } from "../util/errors.js";

/**
 * A cross-process lock for read-modify-write of one file: `FILE.lock`
 * created with O_EXCL. Several runners (and the monitor) may end runs at the
 * same moment and all edit today's note; without the lock one would write
 * back a copy missing another's line.
 */
export interface LockOptions {
  /** Give up after this long. A journal edit takes milliseconds; 10 s means something is wrong. */
  timeoutMs?: number;
  /** A lock older than this was left by a crashed process and is broken. */
  staleMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 30_000;

const isCode = (e: unknown, code: string): boolean =>
  (e as NodeJS.ErrnoException | null)?.code === code;
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Held {
  ino: number;
}

async function tryCreate(path: string): Promise<Held | null> {
  try {
    const fh = await open(path, "wx", 0o600);
    try {
      await fh.writeFile(`${process.pid}\n`);
      return { ino: (await fh.stat()).ino };
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (isCode(e, "EEXIST")) return null;
    throw e;
  }
}

/**
 * Remove `lock` if it is stale. Breaking goes through a second O_EXCL file and
 * re-checks the lock's identity, so two processes that both saw the same stale
 * lock cannot remove a fresh lock the other one just took.
 */
async function breakIfStale(lock: string, staleMs: number): Promise<void> {
  const seen = await stat(lock).catch(() => null);
  if (!seen || Date.now() - seen.mtimeMs < staleMs) return;
  const breaker = `${lock}.break`;
  const held = await tryCreate(breaker);
  if (!held) {
    const b = await stat(breaker).catch(() => null);
    // A breaker that crashed between create and unlink (microseconds) would block forever.
    if (b && Date.now() - b.mtimeMs >= staleMs) await unlink(breaker).catch(() => undefined);
    return;
  }
  try {
    const now = await stat(lock).catch(() => null);
    if (now && now.ino === seen.ino && now.mtimeMs === seen.mtimeMs)
      await unlink(lock).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

/** Run `fn` while holding `${target}.lock`. */
export async function withFileLock<T>(
  target: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const lock = `${target}.lock`;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const deadline = Date.now() + timeoutMs;
  let held: Held | null = null;
  for (let attempt = 0; ; attempt++) {
    held = await tryCreate(lock);
    if (held) break;
    await breakIfStale(lock, staleMs);
    if (Date.now() >= deadline) {
      throw new AgentmuxError(
        "io",
        `Timed out after ${timeoutMs} ms waiting for the lock ${show(lock)}`,
        {
          hint: "another agentmux process is writing this file; if none is running, delete the lock file",
        },
      );
    }
    // Short, growing, jittered waits: the holder needs milliseconds, and jitter
    // keeps many waiters from retrying in lockstep.
    await delay(Math.min(2 * 2 ** attempt, 50) * (0.5 + Math.random()));
  }
  try {
    return await fn();
  } finally {
    // Only remove our own lock: if we were stopped long enough for it to be
    // broken as stale, the file there now belongs to someone else.
    const now = await stat(lock).catch(() => null);
    if (now && now.ino === held.ino) await unlink(lock).catch(() => undefined);
  }
}

/**
 * Replace `path` atomically: write a temp file in the same directory, fsync,
 * rename over. A reader (or a crash) sees the old bytes or the new ones, never
 * half. A symlinked note is followed, so the link itself stays a link.
 */
export async function writeFileAtomic(path: string, data: Buffer, mode: number): Promise<void> {
  const real = await realpath(path).catch((e: unknown) => {
    if (isCode(e, "ENOENT")) return path;
    throw e;
  });
  const tmp = join(
    dirname(real),
    `.${basename(real)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const fh = await open(tmp, "wx", mode);
  try {
    try {
      await fh.writeFile(data);
      // Explicit chmod: open's mode is filtered by the umask, and an existing note keeps its mode.
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, real);
  } catch (e) {
    await unlink(tmp).catch(() => undefined); // best effort; the original error matters
    throw e;
  }
}
