import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor, type Status } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { notifyRecorder, startWatch, watchReady } from "./monitor-helpers.js";

interface Report {
  sessions: {
    name: string;
    state: string;
    attention: boolean;
    diagnosis: { code: string } | null;
  }[];
}

describe("monitor: stalls", () => {
  it("silence without CPU is a stall (notified once); a silent CPU-busy agent is not", async () => {
    const w = new World();
    const rec = notifyRecorder(w);
    const common = ["--stall-after", "2s", "--notify-cmd", rec.template];
    await w.cli([
      "run",
      "cmd",
      "--name",
      "idle",
      "--cwd",
      tempRepo(),
      ...common,
      "--",
      FAKE_AGENT,
      "hang",
    ]);
    await w.cli([
      "run",
      "cmd",
      "--name",
      "busy",
      "--cwd",
      tempRepo(),
      ...common,
      "--",
      FAKE_AGENT,
      "spin",
    ]);
    // on-failure: a stalled run is stopped and started again.
    await w.cli([
      "run",
      "cmd",
      "--name",
      "again",
      "--cwd",
      tempRepo(),
      ...common,
      "--restart",
      "on-failure",
      "--",
      FAKE_AGENT,
      "hang",
    ]);
    for (const n of ["idle", "busy", "again"]) await w.waitStatus(n, (s) => s.state === "running");
    const wp = startWatch(w, { AGENTMUX_RESTART_BACKOFF_MS: "50" });
    await watchReady(wp);

    await waitFor("the stall notification", () => rec.lines().includes("idle stalled"), 30_000);
    // busy has been silent exactly as long, but kept a core busy.
    const r = await w.cli(["heartbeat", "--json"]);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.sessions.find((s) => s.name === "idle")).toMatchObject({
      state: "stalled",
      attention: true,
      diagnosis: { code: "stall" },
    });
    expect(report.sessions.find((s) => s.name === "busy")).toBeUndefined();
    expect(r.code).toBe(1);
    expect((await w.cli(["heartbeat"])).stdout).toMatch(
      /^idle: stalled \(run 1\) · stall: no output, no file changes and no CPU for \d+ s.* fix: agentmux attach idle/m,
    );
    expect((await w.json<Status>(["status", "idle"])).state).toBe("running");

    // The policy restarts the on-failure session after its stall; the default one is left alone.
    // Its new run hangs silently too, so it may stall (and restart) again before we look.
    await w.waitStatus("again", (s) => s.runs >= 2, 30_000);
    expect(rec.lines().filter((l) => l === "idle stalled")).toHaveLength(1);
    expect(rec.lines().filter((l) => l.startsWith("busy"))).toEqual([]);
    expect((await w.json<Status>(["status", "idle"])).runs).toBe(1);
    // Its waits (a 2 s stall window, samples, a restart) add up past the default 30 s on a loaded CI machine.
  }, 90_000);
});
