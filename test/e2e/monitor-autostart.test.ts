import { describe, expect, it, onTestFinished } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { isRunning } from "../../src/process/pids.js";

interface Beat {
  monitor: { running: boolean; pid: number | null; warning: string | null };
}

describe("monitor: started on demand", () => {
  it("run starts one watch, a second run reuses it, and it leaves once nothing is live or new", async () => {
    const w = new World({ monitor: true });
    const env = { AGENTMUX_MONITOR_IDLE_EXIT: "1s" };
    const repo = tempRepo();
    const first = await w.cli(
      // Its notification fails: a retry waits for a later monitor, not for this one.
      [
        "run",
        "cmd",
        "--name",
        "one",
        "--cwd",
        repo,
        "--notify-cmd",
        "false",
        "--",
        FAKE_AGENT,
        "sleep:2",
      ],
      { env },
    );
    expect(first.code).toBe(0);
    const pid = Number(/started the monitor \(agentmux watch, pid (\d+)/.exec(first.stderr)?.[1]);
    expect(pid).toBeGreaterThan(0);
    onTestFinished(() => {
      if (isRunning(pid, null)) process.kill(pid, "SIGKILL");
    });
    await waitFor("the monitor's first beat", async () => {
      const hb = JSON.parse((await w.cli(["heartbeat", "--json"])).stdout) as Beat;
      return hb.monitor.running && hb.monitor.pid === pid;
    });

    const second = await w.cli(
      ["run", "cmd", "--name", "two", "--cwd", repo, "--", FAKE_AGENT, "exit:0"],
      { env },
    );
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/started the monitor/);

    await w.waitStatus("one", (s) => s.state === "succeeded");
    await waitFor("the monitor to leave", () => !isRunning(pid, null), 20_000);
    const hb = JSON.parse((await w.cli(["heartbeat", "--json"])).stdout) as Beat;
    // It stopped cleanly: nothing to warn about.
    expect(hb.monitor).toMatchObject({ running: false, warning: null });
  });

  it('config "monitor": false starts none', async () => {
    const w = new World({ monitor: false });
    const r = await w.cli(["run", "cmd", "--name", "solo", "--cwd", tempRepo(), "--", "true"]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/monitor/);
    const hb = JSON.parse((await w.cli(["heartbeat", "--json"])).stdout) as Beat;
    expect(hb.monitor.running).toBe(false);
  });
});
