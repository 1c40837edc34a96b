import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor, type Status } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { processesWith, startWatch, watchReady } from "./monitor-helpers.js";

const waitsFor = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("wait-for");
  } catch {
    return false; // exited during the look
  }
};

const tmux = (w: World, ...args: string[]): string =>
  execFileSync("tmux", ["-S", w.socket, ...args], { encoding: "utf8" });

async function launch(w: World, name: string, steps: string[]): Promise<Status> {
  const repo = tempRepo();
  await w.cli(["run", "cmd", "--name", name, "--cwd", repo, "--", FAKE_AGENT, ...steps]);
  return w.waitStatus(name, (s) => s.state === "running");
}

describe("monitor: the tmux server dies", () => {
  it("every session is lost, the orphan is ended, and each is restarted exactly once", async () => {
    const w = new World();
    const tag = `srv-${process.pid}`;
    const a = await launch(w, "a", [`print:${tag}-a`, "hang"]);
    await launch(w, "b", ["ignore-term", `print:${tag}-b`, "hang"]);
    const c = await launch(w, "c", ["ignore-term", `print:${tag}-c`, "hang"]);
    const wp = startWatch(w);
    await watchReady(wp);

    // c's supervisor dies first, so its agent (deaf to HUP and TERM) is left as an orphan.
    process.kill(c.pid ?? 0, "SIGKILL");
    tmux(w, "kill-server");

    for (const name of ["a", "b", "c"]) {
      await w.waitStatus(name, (s) => s.runs === 2 && s.state === "running", 40_000);
    }
    for (const name of ["a", "b", "c"]) {
      await waitFor(`one agent for ${name}`, () => processesWith(`${tag}-${name}`).length === 1);
    }
    expect(processesWith(`${tag}-c`)).not.toContain(c.agentPid);
    expect(processesWith(`${tag}-a`)).not.toContain(a.agentPid);

    const out = wp.output();
    for (const name of ["a", "b", "c"]) {
      expect(out).toMatch(new RegExp(`^${name}: lost \\(run 1\\)`, "m"));
      expect(out.match(new RegExp(`^${name}: .*restarted as run 2$`, "gm"))).toHaveLength(1);
    }
    expect(out).not.toMatch(/run 3/);
    // A one-shot pass finds nothing left to restart.
    const hb = JSON.parse((await w.cli(["heartbeat", "--json", "--restart"])).stdout) as {
      restarted: number;
      sessions: unknown[];
    };
    expect(hb).toMatchObject({ restarted: 0, sessions: [] });
  });
});

describe("monitor: one watch at a time, and a watch killed with SIGKILL", () => {
  it("a second watch refuses; a restarted watch takes over without duplicating agents", async () => {
    const w = new World();
    const tag = `wk-${process.pid}`;
    const before = [await launch(w, "x", [`print:${tag}-x`, "hang"])];
    before.push(await launch(w, "y", [`print:${tag}-y`, "hang"]));
    const first = startWatch(w);
    await watchReady(first);

    const second = await w.cli(["watch"]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/agentmux watch is already running \(pid \d+\)/);

    first.proc.kill("SIGKILL");
    await first.exited;
    const ls = await w.cli(["ls"]);
    expect(ls.stdout + ls.stderr).toMatch(/monitor \(agentmux watch, pid \d+\) stopped/);

    const again = startWatch(w);
    await watchReady(again);
    // Its first pass is done once it records its own beat.
    await waitFor("the new watch's heartbeat", async () => {
      const r = JSON.parse((await w.cli(["heartbeat", "--json"])).stdout) as {
        monitor: { running: boolean; pid: number };
      };
      return r.monitor.running && r.monitor.pid === again.proc.pid;
    });
    for (const s of before) {
      const now = await w.json<Status>(["status", s.name]);
      expect(now).toMatchObject({ runs: 1, state: "running", agentPid: s.agentPid });
      expect(processesWith(`${tag}-${s.name}`)).toEqual([s.agentPid]);
    }
    // The old watch's blocked wait-for client was released: only the new one waits.
    await waitFor(
      "one wait-for client",
      () => processesWith(w.socket).filter((pid) => waitsFor(pid)).length === 1,
      25_000,
    );
    // And watch attaches no client to the server (no control mode: see monitor/watch.ts).
    expect(tmux(w, "list-clients").trim()).toBe("");

    // And the new watch works: a killed supervisor is noticed and restarted.
    process.kill(before[0]?.pid ?? 0, "SIGKILL");
    await w.waitStatus("x", (s) => s.runs === 2 && s.state === "running");
    await waitFor("one agent for x", () => processesWith(`${tag}-x`).length === 1);
  });
});
