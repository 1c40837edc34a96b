import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { World, waitFor, type Status } from "../helpers/cli.js";

/** Node finishers (`agentmux _finish RUNDIR`) of this state directory running right now. */
function finishers(stateDir: string): number {
  let n = 0;
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, "utf8");
      if (cmd.includes(stateDir) && cmd.includes("\0_finish\0")) n++;
    } catch {
      // exited during the scan
    }
  }
  return n;
}

/**
 * Finisher slots held right now: granted flocks on STATE/finishers/N, read
 * from the kernel's lock table (a waiter's line has "->" and is not counted).
 * A finisher frees its slot once its run is recorded and may then live a
 * little longer (deferred notifications, leaving), so the bound is on slots.
 *
 * A line counts only when its inode is one of the slot files AND its holder
 * (the supervisor, exec'd into the finisher: same pid) runs for this state
 * directory: /proc/locks lists every lock on the machine, and an inode number
 * alone also matches files on other filesystems (other tests' locks).
 */
function slotsHeld(stateDir: string): number {
  const dir = join(stateDir, "finishers");
  const inodes = new Set<string>();
  try {
    for (const f of readdirSync(dir)) inodes.add(String(statSync(join(dir, f)).ino));
  } catch {
    return 0; // not made yet
  }
  const held = new Set<string>();
  for (const line of readFileSync("/proc/locks", "utf8").split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[1] !== "FLOCK") continue; // also skips "N: -> FLOCK ..." (blocked)
    const [pid, where] = [f[4], f[5]];
    const ino = where?.split(":")[2];
    if (pid === undefined || ino === undefined || !inodes.has(ino)) continue;
    if (ours(pid, stateDir)) held.add(`${pid} ${where}`);
  }
  return held.size;
}

function ours(pid: string, stateDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`${stateDir}/`);
  } catch {
    return false; // exited during the scan
  }
}

describe("the tmux server dying under many sessions", () => {
  it("starts a bounded number of finishers at a time, and every run is still recorded", async () => {
    const w = new World();
    const n = 16;
    for (let i = 0; i < n; i++) {
      const r = await w.cli(["run", "cmd", "--name", `m${i}`, "--", "sleep", "600"]);
      expect(r.code, r.stderr).toBe(0);
    }
    for (let i = 0; i < n; i++) await w.waitStatus(`m${i}`, (s) => s.state === "running");
    const pid = Number(
      execFileSync("tmux", ["-S", w.socket, "display-message", "-p", "#{pid}"], {
        encoding: "utf8",
      }).trim(),
    );
    process.kill(pid, "SIGKILL");
    let peakSlots = 0;
    let peakProcesses = 0;
    const sampling = setInterval(() => {
      peakSlots = Math.max(peakSlots, slotsHeld(w.stateDir));
      peakProcesses = Math.max(peakProcesses, finishers(w.stateDir));
    }, 5);
    try {
      await waitFor(
        "every run to be recorded",
        async () => {
          const ls = (await w.json<Status[]>(["ls"])).filter((s) => !s.foreign);
          return (
            ls.length === n && ls.every((s) => s.state === "lost") && finishers(w.stateDir) === 0
          );
        },
        60_000,
      );
    } finally {
      clearInterval(sampling);
    }
    // Every finisher started with a slot, never more than the 4 there are...
    expect(peakSlots).toBeGreaterThan(0);
    expect(peakSlots).toBeLessThanOrEqual(4);
    // ...so the 16 did not start at once (a finisher that freed its slot may
    // still be leaving while the next one starts).
    expect(peakProcesses).toBeLessThan(n);
    for (const s of await w.json<Status[]>(["ls"])) expect(s.endReason, s.name).toBe("hangup");
  }, 90_000);
});
