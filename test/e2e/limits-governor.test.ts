import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { FAKE_AGENT, MAIN_JS, World, waitFor, type Status } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

const LIMITED = 3;
const OTHERS = 17;
const RETRY_S = 3;

describe("shared limits: 20 sessions of one agent and a rate limit", () => {
  it("the first ones hit a rate limit together; the rest wait for the reset, none starts during the pause, all run", async () => {
    // cmd pauses on a limit only when told to: its output is no provider account's.
    const w = new World({ limits: { cmd: { concurrency: LIMITED, pauseOnLimit: true } } });
    const repo = tempRepo();
    const barrier = join(w.root, "barrier");
    mkdirSync(barrier);

    // The first three take every slot and, once released, fail together with a rate limit.
    for (let i = 0; i < LIMITED; i++) {
      const r = await w.cli([
        "run",
        "cmd",
        "--name",
        `limited-${i}`,
        "--cwd",
        repo,
        "--",
        FAKE_AGENT,
        `barrier:${barrier}=${LIMITED + 1}`,
        `print:Rate limit reached for organization org-test on requests per min (RPM). Please try again in ${RETRY_S}s.`,
        "exit:1",
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    // Seventeen more ask to start while the slots are taken: each `run` waits.
    const waiters = Array.from({ length: OTHERS }, (_, i) => {
      const child = spawn(
        process.execPath,
        [MAIN_JS, "run", "cmd", "--name", `s-${i}`, "--cwd", repo, "--", FAKE_AGENT, "exit:0"],
        { env: w.env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.stdout.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      onTestFinished(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      });
      return { stderr: () => stderr, exited };
    });
    await waitFor(
      "every waiter to say it waits",
      () => waiters.every((x) => x.stderr().includes("waits:")),
      60_000,
    );
    writeFileSync(join(barrier, "go"), ""); // release the limited three

    const codes = await Promise.all(waiters.map((x) => x.exited));
    expect(codes).toEqual(Array<number>(OTHERS).fill(0));
    // Someone saw the pause, not just the concurrency limit: a launch that meets
    // the pause is queued (not waited out in the CLI) and the monitor starts it.
    expect(
      waiters.some((x) =>
        /queued s-\d+ \(cmd\): Queued: cmd is paused until .*rate-limit hit by limited-/.test(
          x.stderr(),
        ),
      ),
    ).toBe(true);
    await waitFor(
      "the monitor to start every queued launch",
      async () => {
        await w.cli(["heartbeat"]);
        const ls = await w.json<Status[]>(["ls"]);
        return ls.every((s) => s.state !== "queued");
      },
      60_000,
    );

    const limited: Status[] = [];
    for (let i = 0; i < LIMITED; i++) limited.push(await w.waitEnded(`limited-${i}`));
    for (const s of limited) {
      expect(s.state).toBe("failed");
      expect(s.diagnosis?.code).toBe("rate-limit");
    }
    // The pause runs from the last limit hit; every other session started after it.
    const pauseEnd = Math.max(...limited.map((s) => Date.parse(s.endedAt ?? "") + RETRY_S * 1000));
    const others: Status[] = [];
    for (let i = 0; i < OTHERS; i++) others.push(await w.waitEnded(`s-${i}`, 60_000));
    for (const s of others) {
      expect(s.state).toBe("succeeded");
      expect(s.runs).toBe(1);
      expect(Date.parse(s.startedAt)).toBeGreaterThanOrEqual(pauseEnd);
    }
  }, 120_000);
});
