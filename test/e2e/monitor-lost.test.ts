import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { processesWith, startWatch, watchReady } from "./monitor-helpers.js";

interface Report {
  attention: number;
  orphansEnded: number;
  restarted: number;
  sessions: { name: string; state: string; action: string; fix: string | null; reason: string }[];
  monitor: { running: boolean; warning: string | null };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return processesWith("").includes(pid);
  } catch {
    return false;
  }
};

describe("monitor: a runner killed with SIGKILL", () => {
  it("watch marks it lost at once and restarts it exactly once, with no second agent", async () => {
    const w = new World();
    const repo = tempRepo();
    const marker = `print:lost-${process.pid}-a`;
    await w.cli(["run", "cmd", "--name", "a", "--cwd", repo, "--", FAKE_AGENT, marker, "hang"]);
    const first = await w.waitStatus("a", (s) => s.state === "running");
    const wp = startWatch(w);
    await watchReady(wp);

    process.kill(first.pid ?? 0, "SIGKILL");
    await waitFor("watch to report the loss and the restart", () =>
      /a: lost \(run 1\) · lost: the supervisor was killed[^\n]*restarted as run 2/.test(
        wp.output(),
      ),
    );
    const second = await w.waitStatus("a", (s) => s.runs === 2 && s.state === "running");
    expect(second.argv).toEqual(first.argv);
    expect(second.cwd).toBe(first.cwd);
    // The first agent got SIGHUP with its supervisor (or was ended as an orphan): one agent.
    await waitFor("the first agent to be gone", () => !alive(first.agentPid ?? 0));
    expect(processesWith(marker)).toEqual([second.agentPid]);

    // Nothing left to do: a one-shot pass agrees, and sees watch running.
    const r = await w.cli(["heartbeat", "--json"]);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.sessions).toEqual([]);
    expect(report.monitor.running).toBe(true);
    expect(r.code).toBe(0);
  });

  it("heartbeat says why it was lost, ends the orphaned agent, exits 1 and names the fix", async () => {
    const w = new World({ restart: "never" });
    const repo = tempRepo();
    const marker = `print:orphan-${process.pid}-b`;
    // The agent ignores SIGHUP and SIGTERM: it outlives its supervisor.
    await w.cli([
      "run",
      "cmd",
      "--name",
      "b",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      "ignore-term",
      marker,
      "hang",
    ]);
    const s = await w.waitStatus("b", (x) => x.state === "running");
    process.kill(s.pid ?? 0, "SIGKILL");
    await waitFor("the supervisor to be gone", () => !alive(s.pid ?? 0));
    expect(alive(s.agentPid ?? 0)).toBe(true);

    const r = await w.cli(["heartbeat", "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    // Processes, not groups: the agent and the `sleep` of its hang loop.
    expect(report.orphansEnded).toBeGreaterThanOrEqual(1);
    expect(report.sessions).toMatchObject([
      { name: "b", state: "lost", fix: "agentmux restart b", action: "none" },
    ]);
    expect(alive(s.agentPid ?? 0)).toBe(false);
    const lost = await w.json<{ state: string; diagnosis: { summary: string } }>(["status", "b"]);
    expect(lost.state).toBe("lost");
    expect(lost.diagnosis.summary).toMatch(/supervisor was killed/);

    // Plain text: one line with the diagnosis and the command that fixes it; still exit 1.
    const again = await w.cli(["heartbeat"]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^b: lost \(run 1\) · lost: .*fix: agentmux restart b$/m);
    // After the fix, nothing needs attention.
    await w.cli(["restart", "b"]);
    await w.waitStatus("b", (x) => x.state === "running");
    const ok = await w.cli(["heartbeat"]);
    expect(ok.stdout).toMatch(/nothing needs attention/);
    expect(ok.code).toBe(0);
  });
});
