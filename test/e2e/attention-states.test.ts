import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor, type Status } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

type Flagged = Status & { stalled: string | null; pausedUntil: string | null; acked: boolean };

describe("states that need attention show everywhere; ack quiets an old failure", () => {
  it("stalled and paused (until T) show in ls and status, text and JSON", async () => {
    const w = new World({ limits: { cmd: { pauseOnLimit: true } } });
    await w.cli([
      "run",
      "cmd",
      "--name",
      "limited",
      "--",
      FAKE_AGENT,
      "print:Rate limit reached for organization org-test on requests per min (RPM). Please try again in 600s.",
      "exit:1",
    ]);
    await w.waitEnded("limited");
    const limited = await w.json<Flagged>(["status", "limited"]);
    expect(Date.parse(limited.pausedUntil ?? "")).toBeGreaterThan(Date.now());
    expect((await w.cli(["status", "limited"])).stdout).toMatch(/cmd paused \(until 20/);
    expect((await w.cli(["ls"])).stdout).toMatch(/limited .*paused \(until 20/);

    // A stall the monitor found is in ls and status, not only in heartbeat.
    const v = new World();
    await v.cli([
      "run",
      "cmd",
      "--name",
      "idle",
      "--cwd",
      tempRepo(),
      "--stall-after",
      "2s",
      "--",
      FAKE_AGENT,
      "hang",
    ]);
    await v.waitStatus("idle", (s) => s.state === "running");
    await waitFor(
      "heartbeat to find the stall",
      async () => {
        await v.cli(["heartbeat"]);
        return (await v.json<Flagged>(["status", "idle"])).stalled;
      },
      25_000,
    );
    expect((await v.cli(["status", "idle"])).stdout).toMatch(/^idle: stalled \(since 20/);
    expect((await v.cli(["ls"])).stdout).toMatch(/idle\s+cmd\s+stalled \(since/);
    expect((await v.json<Flagged[]>(["ls"]))[0]?.stalled).toMatch(/^20/);
    await v.cli(["kill", "idle", "--wait"]);
  }, 60_000);

  it("heartbeat exits 1 for a failure until it is acknowledged, and again for the next one", async () => {
    const w = new World();
    await w.cli(["run", "cmd", "--name", "broken", "--", "sh", "-c", "exit 3"]);
    await w.waitEnded("broken");
    expect((await w.cli(["heartbeat"])).code).toBe(1);
    expect((await w.cli(["heartbeat"])).code).toBe(1); // reported, still unacknowledged

    const ack = await w.cli(["ack", "broken"]);
    expect(ack.code).toBe(0);
    expect(ack.stdout).toMatch(/broken: run 1 \(failed\) acknowledged/);
    const quiet = await w.cli(["heartbeat"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/broken: failed \(run 1\).*acknowledged/);
    expect((await w.json<Flagged>(["status", "broken"])).acked).toBe(true);

    await w.cli(["restart", "broken"]);
    await w.waitStatus("broken", (s) => s.runs === 2 && s.state === "failed");
    expect((await w.cli(["heartbeat"])).code).toBe(1);
    expect((await w.cli(["ack", "nope"])).code).not.toBe(0);
  });
});
