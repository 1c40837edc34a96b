import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { notifyRecorder, startWatch, watchReady } from "./monitor-helpers.js";

const tmux = (w: World, ...args: string[]): string =>
  execFileSync("tmux", ["-S", w.socket, ...args], { encoding: "utf8" });

describe("monitor: watch finishes runs itself", () => {
  it("the supervisor takes watch's report instead of starting a finisher; the pane shows it", async () => {
    const w = new World();
    const rec = notifyRecorder(w);
    const wp = startWatch(w);
    await watchReady(wp);
    await w.cli([
      "run",
      "cmd",
      "--name",
      "handoff",
      "--cwd",
      tempRepo(),
      "--notify-cmd",
      rec.template,
      "--",
      FAKE_AGENT,
      "sleep:1",
      "exit:3",
    ]);
    const s = await w.waitStatus("handoff", (x) => x.state === "failed");
    expect(s.exitCode).toBe(3);
    const runDir = dirname(s.logPath);
    // watch wrote the pane's report; the supervisor printed it and exited with the agent's status.
    await waitFor("watch's report", () => existsSync(join(runDir, "settled")));
    expect(readFileSync(join(runDir, "settled"), "utf8")).toMatch(
      /^3\n\nagentmux: handoff failed \(exit 3/,
    );
    // (The pane's own exit status is often lost on tmux 3.3a, the SIGCHLD race: not checked.)
    await waitFor(
      "the pane to be dead",
      () => tmux(w, "display", "-p", "-t", "=handoff:", "#{pane_dead}").trim() === "1",
    );
    expect(tmux(w, "capture-pane", "-p", "-t", "=handoff:")).toMatch(
      /agentmux: handoff failed \(exit 3/,
    );
    expect(tmux(w, "capture-pane", "-p", "-t", "=handoff:")).not.toMatch(/already recorded/);
    expect(rec.lines()).toEqual(["handoff failed"]);
  });
});
