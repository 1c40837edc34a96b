import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isAlive, processStartTicks } from "./pids.js";
import { terminateGroup } from "./terminate.js";

function startGroup(script: string): { pid: number; exited: Promise<unknown> } {
  const child = spawn("/bin/sh", ["-c", script], { detached: true, stdio: "ignore" });
  const exited = new Promise((r) => child.once("exit", r));
  return { pid: child.pid as number, exited };
}

async function waitStarted(pid: number): Promise<string> {
  for (;;) {
    const ticks = processStartTicks(pid);
    if (ticks) return ticks;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("terminateGroup", () => {
  it("ends a group that honours TERM", async () => {
    const g = startGroup("sleep 60 & wait");
    const ticks = await waitStarted(g.pid);
    expect(await terminateGroup(g.pid, ticks, 5_000)).toBe(true);
    await g.exited;
    expect(isAlive(g.pid, ticks)).toBe(false);
  });

  it("KILLs a group that ignores TERM after the grace period", async () => {
    const g = startGroup("trap '' TERM; while :; do sleep 1; done");
    const ticks = await waitStarted(g.pid);
    expect(await terminateGroup(g.pid, ticks, 200)).toBe(true);
    await g.exited;
  });

  it("leaves a process alone when the start time does not match (pid reuse)", async () => {
    const g = startGroup("sleep 60");
    await waitStarted(g.pid);
    expect(await terminateGroup(g.pid, "1", 100)).toBe(false);
    expect(isAlive(g.pid)).toBe(true);
    process.kill(-g.pid, "SIGKILL");
    await g.exited;
  });
});
