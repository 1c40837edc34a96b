import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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
    let peak = 0;
    const sampling = setInterval(() => (peak = Math.max(peak, finishers(w.stateDir))), 5);
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
    expect(peak).toBeGreaterThan(0);
    // 4 slots; one /proc scan takes milliseconds, so a finisher that exits and
    // the one taking its slot can both be seen in the same scan.
    expect(peak).toBeLessThanOrEqual(6);
    for (const s of await w.json<Status[]>(["ls"])) expect(s.endReason, s.name).toBe("hangup");
  }, 90_000);
});
