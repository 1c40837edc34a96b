import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { isRunning, processStartTicks, signal } from "../../src/process/pids.js";
import { cgroup2Mount, ownCgroupPath } from "../../src/process/run-cgroup.js";

const ESCAPER = fileURLToPath(new URL("../fixtures/escaper.sh", import.meta.url));

interface Daemon {
  pid: number;
  start: string | null;
}

/** Start `escaper.sh MODE` as session `name`; returns the two daemons it left outside its group. */
async function startEscaper(
  w: World,
  name: string,
  mode: "exit" | "hang",
  env: NodeJS.ProcessEnv,
): Promise<Daemon[]> {
  const dir = join(w.root, `escape-${name}`);
  mkdirSync(dir);
  const r = await w.cli(["run", "cmd", "--name", name, "--cwd", tempRepo(), "--", ESCAPER, mode], {
    env: { ...env, ESCAPE_DIR: dir },
  });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const daemons = await waitFor("both daemons", () => {
    try {
      return ["calm", "stubborn"].map((f) => {
        const pid = Number(readFileSync(join(dir, f), "utf8"));
        return { pid, start: processStartTicks(pid) };
      });
    } catch {
      return null;
    }
  });
  // Whatever happens in the test, they do not outlive it (by pid and start time).
  onTestFinished(() => {
    for (const d of daemons) if (isRunning(d.pid, d.start)) signal(d.pid, "SIGKILL");
  });
  return daemons;
}

const gone = (daemons: Daemon[]): boolean => daemons.every((d) => !isRunning(d.pid, d.start));

/** Run-cgroups of this world's state directory still present (they are removed once empty). */
function leftoverCgroups(): string[] {
  const mount = cgroup2Mount();
  const own = ownCgroupPath();
  if (mount === null || own === null) return [];
  try {
    return readdirSync(join(mount, own, "agentmux"));
  } catch {
    return [];
  }
}

const canCgroup = cgroup2Mount() !== null && process.getuid?.() === 0;

describe.each([
  ["cgroup", {}],
  ["environment scan", { AGENTMUX_CGROUP: "off" }],
] as const)("no escaped processes (%s)", (mode, env) => {
  it("a run that ends takes its setsid daemons with it", async () => {
    const w = new World();
    const daemons = await startEscaper(w, "ends", "exit", env);
    const s = await w.waitEnded("ends");
    expect(s.state).toBe("succeeded");
    // The store says "ended" only once they are gone (TERM, grace, KILL for the stubborn one).
    expect(gone(daemons)).toBe(true);
    const runDir = join(w.stateDir, "runs", "1");
    expect(existsSync(join(runDir, "cgroup"))).toBe(mode === "cgroup" && canCgroup);
    expect(existsSync(join(runDir, "cgroup-joined"))).toBe(mode === "cgroup" && canCgroup);
    expect(readFileSync(join(runDir, "escaped"), "utf8")).toBe("2");
  }, 60_000);

  it("agentmux kill ends them", async () => {
    const w = new World();
    const daemons = await startEscaper(w, "killed", "hang", env);
    const r = await w.cli(["kill", "killed"]);
    expect(r.code, r.stderr).toBe(0);
    // kill answers within about a second; the finisher ends what escaped right after.
    await waitFor("the daemons to be ended", () => gone(daemons), 20_000);
    const s = await w.waitEnded("killed");
    expect(s.state).toBe("killed");
  }, 60_000);

  it("when the tmux server dies, the supervisor's finisher ends them", async () => {
    const w = new World();
    const daemons = await startEscaper(w, "hungup", "hang", env);
    execFileSync("tmux", ["-S", w.socket, "kill-server"], { stdio: "ignore" });
    await waitFor("the daemons to be ended", () => gone(daemons), 20_000);
    const s = await w.waitStatus("hungup", (x) => !["starting", "running"].includes(x.state));
    expect(s.state).not.toBe("running");
  }, 60_000);

  it("after the supervisor and the tmux server died, heartbeat ends them and counts them", async () => {
    const w = new World();
    const daemons = await startEscaper(w, "orphaned", "hang", env);
    const s = await w.json<{ pid: number }>(["status", "orphaned"]);
    // No supervisor to finish the run, no server: only the monitor is left.
    signal(s.pid, "SIGKILL");
    execFileSync("tmux", ["-S", w.socket, "kill-server"], { stdio: "ignore" });
    expect(gone(daemons)).toBe(false);
    const hb = JSON.parse((await w.cli(["heartbeat", "--json"])).stdout) as {
      orphansEnded: number;
    };
    expect(gone(daemons)).toBe(true);
    // The two daemons, plus the agent itself when the hangup had not ended it yet.
    expect(hb.orphansEnded).toBeGreaterThanOrEqual(2);
    const after = await w.json<{ state: string }>(["status", "orphaned"]);
    expect(after.state).toBe("lost");
  }, 60_000);
});

describe("run cgroups", () => {
  it.skipIf(!canCgroup)(
    "are removed once the run is over",
    async () => {
      const w = new World();
      const key = (await import("../../src/sessions/sweep.js")).stateKey(w.stateDir);
      const daemons = await startEscaper(w, "tidy", "exit", {});
      expect(leftoverCgroups()).toContain(`${key}-run-1`);
      await w.waitEnded("tidy");
      expect(gone(daemons)).toBe(true);
      expect(leftoverCgroups()).not.toContain(`${key}-run-1`);
    },
    60_000,
  );
});
