import { spawn } from "node:child_process";
import { describe, expect, it, onTestFinished } from "vitest";
import { endRunProcesses, processesWithMarks } from "./escape.js";
import { isRunning, processStartTicks, signal } from "./pids.js";
import { cgroup2Mount, ownCgroupPath } from "./run-cgroup.js";

/** A detached sleeper (own session, as setsid would make it) with this environment. */
function sleeper(env: Record<string, string>, ignoreTerm = false): { pid: number; start: string } {
  const child = spawn("sh", ["-c", `${ignoreTerm ? "trap '' TERM; " : ""}exec sleep 600`], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    detached: true,
    stdio: "ignore",
  });
  child.unref();
  const pid = child.pid as number;
  onTestFinished(() => {
    if (isRunning(pid)) signal(pid, "SIGKILL");
  });
  return { pid, start: processStartTicks(pid) ?? "" };
}

async function waitStarted(pid: number): Promise<void> {
  // `sleep` replaces sh once exec ran: its environ is then final.
  for (let i = 0; i < 200 && !/sleep/.test(await comm(pid)); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function comm(pid: number): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  return readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
}

describe("processesWithMarks / endRunProcesses (environment scan)", () => {
  it("finds only processes carrying both marks as whole entries, and ends them TERM then KILL", async () => {
    const runDir = `/tmp/amx-test-state-${process.pid}/runs/7`;
    const marks = { runId: 7, runDir, cgroup: null };
    const ours = sleeper({ AGENTMUX_RUN: "7", AGENTMUX_RUN_DIR: runDir });
    const stubborn = sleeper({ AGENTMUX_RUN_DIR: runDir, X: "1", AGENTMUX_RUN: "7" }, true);
    // Another state directory's run 7, another run, a value that only ends like ours.
    const others = [
      sleeper({ AGENTMUX_RUN: "7", AGENTMUX_RUN_DIR: `${runDir}x` }),
      sleeper({ AGENTMUX_RUN: "77", AGENTMUX_RUN_DIR: runDir }),
      sleeper({ NOT_AGENTMUX_RUN: "7", AGENTMUX_RUN_DIR: runDir }),
      sleeper({ AGENTMUX_RUN: "7" }),
    ];
    for (const p of [ours, stubborn, ...others]) await waitStarted(p.pid);
    const found = processesWithMarks(marks, new Set())
      .map((t) => t.pid)
      .sort();
    expect(found).toEqual([ours.pid, stubborn.pid].sort());
    expect(await endRunProcesses(marks, 300)).toBe(2);
    expect(isRunning(ours.pid, ours.start)).toBe(false);
    expect(isRunning(stubborn.pid, stubborn.start)).toBe(false);
    for (const o of others) expect(isRunning(o.pid, o.start)).toBe(true);
    expect(await endRunProcesses(marks, 300)).toBe(0);
  });

  it("never signals an excluded pid", async () => {
    const runDir = `/tmp/amx-test-state-${process.pid}/runs/8`;
    const spared = sleeper({ AGENTMUX_RUN: "8", AGENTMUX_RUN_DIR: runDir });
    await waitStarted(spared.pid);
    expect(
      await endRunProcesses({ runId: 8, runDir, cgroup: null }, 100, { exclude: [spared.pid] }),
    ).toBe(0);
    expect(isRunning(spared.pid, spared.start)).toBe(true);
  });
});

describe("cgroup discovery", () => {
  it.each<[string, string | null]>([
    [
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
      "/sys/fs/cgroup/unified",
    ],
    [
      "30 1 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n",
      "/sys/fs/cgroup",
    ],
    ["31 1 0:27 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n", null],
    ["41 31 0:38 / /mnt/my\\040cg rw - cgroup2 none rw\n", "/mnt/my cg"],
  ])("mount in %j", (mountinfo, mount) => {
    expect(cgroup2Mount(mountinfo)).toBe(mount);
  });

  it.each<[string, string | null]>([
    [
      "0::/user.slice/user-1000.slice/session-2.scope\n",
      "/user.slice/user-1000.slice/session-2.scope",
    ],
    ["9:name=systemd:/\n0::/\n", "/"],
    ["4:memory:/x\n", null],
  ])("own path in %j", (text, path) => {
    expect(ownCgroupPath(text)).toBe(path);
  });
});
