import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

const SIGNALS = [
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGABRT",
  "SIGKILL",
  "SIGUSR1",
  "SIGSEGV",
  "SIGUSR2",
  "SIGPIPE",
  "SIGALRM",
  "SIGTERM",
];

describe("exit records", () => {
  it("records every exit of 200 back-to-back runs that end within 100 ms: codes 0-255 and signals", async () => {
    const w = new World({ notify: { desktop: false } });
    const repo = tempRepo();
    const cases: {
      name: string;
      argv: string[];
      exitCode: number | null;
      signal: string | null;
    }[] = [];
    for (let i = 0; i < 200; i++) {
      if (i % 10 === 9) {
        const sig = SIGNALS[((i / 10) % SIGNALS.length) | 0]!;
        cases.push({
          name: `x${i}`,
          argv: ["/bin/sh", "-c", `kill -s ${sig.slice(3)} $$`],
          exitCode: null,
          signal: sig,
        });
      } else {
        const code = Math.round((i * 255) / 199);
        cases.push({
          name: `x${i}`,
          argv: ["/bin/sh", "-c", `exit ${code}`],
          exitCode: code,
          signal: null,
        });
      }
    }
    // Launch in small batches: back to back, yet fast enough for CI.
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(
        cases
          .slice(i, i + 8)
          .map((c) =>
            w.cli(["run", "cmd", "--name", c.name, "--cwd", repo, "--no-notify", "--", ...c.argv]),
          ),
      );
    }
    const all = await waitFor(
      "all 200 settled",
      async () => {
        const ls = await w.json<
          { name: string; state: string; exitCode: number | null; signal: string | null }[]
        >(["ls"]);
        return ls.filter(
          (s) => !s.name.startsWith("x") || ["starting", "running"].includes(s.state),
        ).length === 0
          ? ls
          : undefined;
      },
      120_000,
    );
    const byName = new Map(all.map((s) => [s.name, s]));
    const wrong = cases.filter((c) => {
      const s = byName.get(c.name);
      return (
        !s ||
        s.exitCode !== c.exitCode ||
        s.signal !== c.signal ||
        s.state !== (c.exitCode === 0 ? "succeeded" : "failed")
      );
    });
    expect(wrong.map((c) => ({ want: c, got: byName.get(c.name) }))).toEqual([]);
  }, 300_000);

  it("when the tmux server is killed, the supervisor ends the agent and records why", async () => {
    const w = new World();
    const repo = tempRepo();
    const pidFile = join(w.root, "agent.pid");
    const { FAKE_AGENT } = await import("../helpers/cli.js");
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
    execFileSync("tmux", ["-S", w.socket, "kill-server"]);
    const s = await w.waitEnded("doomed");
    expect(s.state).toBe("lost"); // not its own failure: restartable
    expect(s.endReason).toBe("hangup");
    const pid = Number(readFileSync(pidFile, "utf8"));
    await waitFor("agent gone", () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
  });
});
