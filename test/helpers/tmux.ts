import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/**
 * A private tmux socket for one test. The server (if any test starts one) is
 * killed through that socket when the test finishes; never by name.
 */
export function privateTmuxSocket(): string {
  // Short path: unix socket paths are limited to ~104 bytes.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "amx-")));
  const socket = join(dir, "sock");
  onTestFinished(() => {
    try {
      execFileSync("tmux", ["-S", socket, "kill-server"], { stdio: "ignore" });
    } catch {
      // No server was started on it: nothing to stop.
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return socket;
}
