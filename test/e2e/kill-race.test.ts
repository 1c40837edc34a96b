import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { World, waitFor, type Status } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

/** `agentmux run cmd OPTIONS --json -- COMMAND`: --json must come before the command. */
async function runJson(w: World, opts: string[], command: string[]): Promise<Status> {
  const r = await w.cli(["run", "cmd", ...opts, "--json", "--", ...command]);
  return JSON.parse(r.stdout) as Status;
}

describe("kill racing the end of a run", () => {
  it("answers fast and keeps the agent's own exit when it had already exited", async () => {
    const w = new World();
    const repo = tempRepo();
    for (let i = 0; i < 3; i++) {
      const name = `race-${i}`;
      const started = await runJson(
        w,
        ["--name", name, "--cwd", repo],
        ["sh", "-c", "sleep 0.3; exit 3"],
      );
      // Kill between the agent's exit record and its finisher's store update.
      const exitFile = join(dirname(started.logPath), "exit");
      await waitFor("the exit record", () => existsSync(exitFile), 10_000);
      const t0 = Date.now();
      const r = await w.cli(["kill", name]);
      const tookMs = Date.now() - t0;
      expect(r.code).toBe(0);
      // The CLI answers within about a second (node start-up included; a loaded CI box is slow).
      expect(tookMs).toBeLessThan(5_000);
      const s = await w.waitEnded(name);
      expect(s, `run ${i}`).toMatchObject({ state: "failed", exitCode: 3, signal: null });
    }
  });

  it("answers before the grace ends for an agent that ignores TERM, which is then KILLed by its supervisor", async () => {
    // A grace long enough that a loaded CI machine's node start cannot reach it.
    const w = new World({ killGraceSeconds: 6 });
    await w.cli(["run", "cmd", "--name", "stubborn", "--", "sh", "-c", "trap '' TERM; sleep 60"]);
    await w.waitStatus("stubborn", (s) => s.state === "running");
    const t0 = Date.now();
    const r = await w.cli(["kill", "stubborn"]);
    expect(Date.now() - t0).toBeLessThan(5_500); // before the grace ends
    expect(r.stdout).toMatch(/stubborn: stopping/);
    expect(await w.waitEnded("stubborn")).toMatchObject({ state: "killed" });
  });

  it("creates run logs and records 0600", async () => {
    const w = new World();
    const s = await runJson(w, ["--name", "log"], ["echo", "hello"]);
    await w.waitEnded("log");
    const dir = dirname(s.logPath);
    for (const f of ["output.log", "started", "exit"]) {
      expect((statSync(join(dir, f)).mode & 0o777).toString(8), f).toBe("600");
    }
  });
});
