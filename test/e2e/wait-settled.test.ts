import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, waitFor, World } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";

/** A fake agent that waits until the test drops a file in `gate`, then does `after`. */
function gated(gate: string, ...after: string[]): string[] {
  mkdirSync(gate, { recursive: true });
  return [FAKE_AGENT, "print:before the gate", `barrier:${gate}=2`, ...after];
}
const open = (gate: string): void => writeFileSync(join(gate, "open"), "");

describe("agentmux wait answers a finished run from its record", () => {
  it("--json is exactly status --json, built without asking tmux", async () => {
    const w = new World();
    const repo = tempRepo();
    const gate = join(w.root, "gate");
    await w.cli(["run", "cmd", "--name", "bad", "--cwd", repo, "--", ...gated(gate, "exit:3")]);
    const waiting = w.cli(["wait", "bad", "--json"]);
    open(gate);
    const live = await waiting;
    expect(live.code).toBe(1);
    const waited = JSON.parse(live.stdout) as Record<string, unknown>;
    expect(waited).toMatchObject({ state: "failed", exitCode: 3, tmux: { session: "bad" } });

    // Once the supervisor has left the pane (remain-on-exit keeps it, dead),
    // nothing moves: the two must agree field for field.
    const status = await w.waitStatus("bad", (s) => {
      const t = (s as unknown as { tmux: { paneDead: boolean } | null }).tmux;
      return t?.paneDead === true;
    });
    // No tmux on PATH: a finished run's answer must not need it.
    const noTmux = tempDir("agentmux-path-");
    const again = await w.cli(["wait", "bad", "--json"], { env: { PATH: noTmux } });
    expect(again.stderr).toBe("");
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual(status);
    expect(JSON.stringify(JSON.parse(again.stdout))).toBe(JSON.stringify(status));
    expect(status).toMatchObject({ tmux: { session: "bad", paneDead: true } });

    // The answer given at the settle is the same run's status; only what the
    // supervisor does after it differs: it leaves the pane (paneDead). Its
    // summary line in the pane is not the agent's output: lastOutputAt, recorded
    // when the run was judged, does not move.
    expect(waited.lastOutputAt).toEqual(expect.any(String));
    const moving = { tmux: null };
    expect({ ...waited, ...moving }).toEqual({ ...status, ...moving });

    // The text form, without tmux as well.
    const text = await w.cli(["wait", "bad"], { env: { PATH: noTmux } });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("failed (exit 3)");
  }, 60_000);

  it("a run lost with its tmux server is still asked of tmux: no pane", async () => {
    const w = new World();
    const repo = tempRepo();
    const pidFile = join(w.root, "agent.pid");
    await w.cli([
      "run",
      "cmd",
      "--name",
      "doomed",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      `pidfile:${pidFile}`,
      "hang",
    ]);
    await waitFor("agent started", () => existsSync(pidFile));
    const waiting = w.cli(["wait", "doomed", "--json"]);
    execFileSync("tmux", ["-S", w.socket, "kill-server"]);
    const r = await waiting;
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: "lost", endReason: "hangup", tmux: null });
  }, 60_000);
});
