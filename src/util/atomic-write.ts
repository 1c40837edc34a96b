import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Write-then-rename: a concurrent reader (the perl supervisor, another
 * agentmux) sees the old file or the new one, never half of one. The
 * temporary name is unique per process and call, and is removed when the
 * write fails. runner.pl has its own copy (`spew`), since it loads no code.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    writeFileSync(tmp, data, { mode });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true }); // the original error is what matters
    throw e;
  }
}
