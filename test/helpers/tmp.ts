import { mkdtempSync, rmSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/** A fresh temp directory removed when the current test finishes. */
export function tempDir(prefix = "agentmux-test-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  // A supervisor ending as its tmux server goes away may still write its exit
  // record while the directory is being removed: retry on ENOTEMPTY.
  onTestFinished(() =>
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  );
  return dir;
}
