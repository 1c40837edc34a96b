import { mkdir, readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";

/**
 * Capability probes spawn the agent's CLI (codex's npm wrapper costs ~100 ms
 * of node start-up before the help even prints), so their answers are kept in
 * one small JSON file, keyed by what changes when the CLI is upgraded: the
 * binary's real path, mtime and size. This is a cache, not state: a missing,
 * unreadable or corrupt file only means probing again.
 */
const FILE = "agent-caps.json";
// Enough for every agent and a few versions side by side; old keys fall out.
const MAX_ENTRIES = 32;

interface CacheFile {
  version: 1;
  entries: Record<string, unknown>;
}

/** The cache key of a binary, or null when it cannot be stat'ed (then we do not cache). */
export async function binaryKey(binaryPath: string, probeId: string): Promise<string | null> {
  try {
    const real = await realpath(binaryPath);
    const st = await stat(real);
    return `${probeId}\0${real}\0${st.mtimeMs}\0${st.size}`;
  } catch {
    // Not there or not readable: the probe itself will say what is wrong.
    return null;
  }
}

async function load(cacheDir: string): Promise<CacheFile> {
  try {
    const parsed = JSON.parse(await readFile(join(cacheDir, FILE), "utf8")) as Partial<CacheFile>;
    if (parsed.version === 1 && typeof parsed.entries === "object" && parsed.entries !== null) {
      return { version: 1, entries: parsed.entries };
    }
  } catch {
    // Missing or corrupt: a cache may be rebuilt at any time (see above).
  }
  return { version: 1, entries: {} };
}

async function save(cacheDir: string, file: CacheFile): Promise<void> {
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  // Write-then-rename: a concurrent reader sees the old or the new file, never half of one.
  writeFileAtomic(join(cacheDir, FILE), JSON.stringify(file, null, 2) + "\n");
}

/**
 * `probe()`'s answer for this binary, from the cache when the binary has not
 * changed since it was probed. `isValid` rejects entries of an older shape.
 */
export async function cachedProbe<T>(
  opts: { cacheDir: string | undefined; binaryPath: string; probeId: string },
  isValid: (value: unknown) => value is T,
  probe: () => Promise<T>,
): Promise<T> {
  const key = opts.cacheDir === undefined ? null : await binaryKey(opts.binaryPath, opts.probeId);
  if (opts.cacheDir === undefined || key === null) return probe();
  const file = await load(opts.cacheDir);
  const hit = file.entries[key];
  if (isValid(hit)) return hit;
  const value = await probe();
  const fresh = await load(opts.cacheDir); // another process may have added entries meanwhile
  delete fresh.entries[key];
  fresh.entries[key] = value;
  const keys = Object.keys(fresh.entries);
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES)))
    delete fresh.entries[old];
  try {
    await save(opts.cacheDir, fresh);
  } catch {
    // A read-only or full state directory must not stop the launch; we probe again next time.
  }
  return value;
}
