import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";

const hungPidFiles: string[] = [];
afterEach(() => {
  // A failed test may leave the hung git behind: stop it by pid.
  for (const file of hungPidFiles.splice(0)) {
    if (!existsSync(file)) continue;
    for (const pid of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An exited process its parent has not reaped yet (the tmux server, for the
  // finisher exec'd in the pane; slow to reap on a loaded machine) still
  // answers signal 0: it has exited all the same.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return true; // no /proc (macOS): signal 0 is all there is
  }
};

describe("the finisher's deadline", () => {
  it("a git that never answers: the run is recorded without evidence and the finisher exits", async () => {
    const w = new World();
    const repo = tempRepo();
    // A git on PATH that passes through to the real one until HANG exists, then hangs.
    const bin = tempDir("agentmux-fakebin-");
    const hang = join(bin, "HANG");
    const pids = join(bin, "hung-pids");
    hungPidFiles.push(pids);
    const git = join(bin, "git");
    writeFileSync(
      git,
      `#!/bin/sh\nif [ -e '${hang}' ]; then echo $$ >> '${pids}'; exec sleep 600; fi\nexec /usr/bin/git "$@"\n`,
    );
    chmodSync(git, 0o755);
    // The tmux server (and so the finisher) is started by this first command with its env.
    const env = {
      PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      AGENTMUX_FINISH_DEADLINE_MS: "1500",
    };
    const r = await w.cli(
      ["run", "cmd", "--name", "hung-git", "--cwd", repo, "--", FAKE_AGENT, "sleep:1", "exit:3"],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    writeFileSync(hang, "");

    // The pane shows the finisher's last words once it gave up.
    const log = join(w.stateDir, "runs", "1", "output.log");
    await waitFor(
      "the finisher to give up",
      () => existsSync(log) && readFileSync(log, "utf8").includes("the finisher gave up"),
      30_000,
    );
    const hung = readFileSync(pids, "utf8").split("\n").filter(Boolean).map(Number);
    expect(hung.length).toBeGreaterThan(0);
    // It killed the git it was waiting for rather than leave it behind.
    await waitFor("the hung git to be gone", () => hung.every((p) => !alive(p)), 10_000);

    const s = await w.waitStatus("hung-git", (x) => x.state !== "running", 10_000);
    expect(s).toMatchObject({ state: "failed", exitCode: 3 });
    expect(s.diagnosis?.summary).toMatch(/no git evidence: the finisher gave up after 2 s/);
    expect(readFileSync(log, "utf8")).toMatch(/hung-git failed; the finisher gave up/);
    // lastOutputAt is the agent's, recorded before the finisher's own line
    // (written at the deadline, 1.5 s after the agent's end).
    expect(statSync(log).mtimeMs - Date.parse(s.lastOutputAt ?? "")).toBeGreaterThan(1000);
    // The supervisor exec'd the finisher in place: that pid ends, and with it the pane.
    const pid = s.pid;
    expect(pid).toBeGreaterThan(0);
    await waitFor("the finisher to exit", () => !alive(pid as number), 10_000);
  }, 90_000); // a deadline test on a loaded 2-core machine: the waits above bound it
});
