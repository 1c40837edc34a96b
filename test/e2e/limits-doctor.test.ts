import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { FAKE_AGENT, MAIN_JS, World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

describe("launch limits (governor) through the CLI", () => {
  it("a second run waits for the agent's concurrency slot, says so, and starts when the first ends", async () => {
    const w = new World({ limits: { cmd: { concurrency: 1 } } });
    const repo = tempRepo();
    await w.cli(["run", "cmd", "--name", "first", "--cwd", repo, "--", FAKE_AGENT, "hang"]);
    await w.waitStatus("first", (s) => s.state === "running");

    const second = spawn(
      process.execPath,
      [MAIN_JS, "run", "cmd", "--name", "second", "--cwd", repo, "--", FAKE_AGENT, "exit:0"],
      { env: w.env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    second.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => second.on("exit", (code) => r(code)));
    onTestFinished(() => {
      if (second.exitCode === null) second.kill("SIGKILL");
    });
    await waitFor("the second run to wait", () =>
      stderr.includes("second waits: 1 cmd runs are live (limit 1)") ? true : undefined,
    );
    await w.cli(["kill", "first"]);
    expect(await exited).toBe(0);
    const s = await w.waitEnded("second");
    expect(s.state).toBe("succeeded");
  });
});

describe("agentmux doctor through the CLI", () => {
  it("exits 1 and names the corrupt store with its fix; --json says the same", async () => {
    const w = new World();
    mkdirSync(w.stateDir, { recursive: true });
    writeFileSync(join(w.stateDir, "agentmux.db"), "not a database ".repeat(100));
    const r = await w.cli(["doctor"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL  store: ${join(w.stateDir, "agentmux.db")}`);
    expect(r.stdout).toMatch(/fix: move it aside/);
    const j = await w.json<{ ok: boolean; checks: { name: string; ok: boolean }[] }>(["doctor"]);
    expect(j.ok).toBe(false);
    expect(j.checks.find((c) => c.name === "store")?.ok).toBe(false);
    expect(j.checks.find((c) => c.name === "tmux")?.ok).toBe(true);
  });
});
