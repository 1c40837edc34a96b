import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Write-then-rename: a concurrent reader (the perl supervisor, another
 * agentmux) sees the old file or the new one, never half of one. The
 * temporary name is unique per process and call (pid and a counter: no two
 * live processes share a pid, and a dead one's leftover is simply
 * overwritten), and is removed when the write fails. No random bytes: that
 * would load node:crypto into every command that reads a run directory. runner.pl has its own copy (`spew`), since it loads no code.
 */
let calls = 0;

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++calls}.tmp`);
  try {
    writeFileSync(tmp, data, { mode });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true }); // the original error is what matters
    throw e;
  }
}
