import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, MAIN_JS, World, waitFor, type Status } from "../helpers/cli.js";

const RATE_LIMIT = (s: number): string =>
  `print:Rate limit reached for organization org-test on requests per min (RPM). Please try again in ${s}s.`;

describe("launches during a pause, and launches cut short", () => {
  it("a limit printed by one cmd pauses no other cmd (a pause is a provider account's)", async () => {
    const w = new World();
    await w.cli(["run", "cmd", "--name", "limited", "--", FAKE_AGENT, RATE_LIMIT(600), "exit:1"]);
    expect((await w.waitEnded("limited")).diagnosis?.code).toBe("rate-limit");
    const r = await w.cli(["run", "cmd", "--name", "other", "--", "true"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^started other/);
    expect((await w.waitEnded("other")).state).toBe("succeeded");
  });

  it("a launch during a pause is queued (shown with its time), --no-queue leaves nothing, the monitor starts it", async () => {
    const w = new World({ limits: { cmd: { pauseOnLimit: true } } });
    await w.cli(["run", "cmd", "--name", "limited", "--", FAKE_AGENT, RATE_LIMIT(12), "exit:1"]);
    await w.waitEnded("limited");

    const refused = await w.cli(["run", "cmd", "--no-queue", "--name", "eager", "--", "true"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/cmd is paused until/);
    expect((await w.json<Status[]>(["ls"])).map((s) => s.name)).toEqual(["limited"]);

    const r = await w.cli(["run", "cmd", "--name", "later", "--", "true"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^queued later \(cmd\): Queued: cmd is paused until/);
    const queued = await w.json<Status & { diagnosis: { resetAt?: string } }>(["status", "later"]);
    expect(queued.state).toBe("queued");
    expect(Date.parse(queued.diagnosis.resetAt ?? "")).toBeGreaterThan(Date.now());
    const ls = await w.cli(["ls"]);
    expect(ls.stdout).toMatch(/later\s+.*queued \(until 20/);
    // A second launch under the name of a queued session is refused.
    expect((await w.cli(["run", "cmd", "--name", "later", "--", "true"])).code).not.toBe(0);

    // While paused, a heartbeat leaves it queued; once the pause is over, it starts it.
    const early = await w.json<{ sessions: { name: string; action: string }[] }>(["heartbeat"]);
    expect(early.sessions.find((s) => s.name === "later")?.action).toBe("waiting");
    await waitFor(
      "the pause to end",
      () => Date.now() > Date.parse(queued.diagnosis.resetAt ?? "") + 50,
      20_000,
    );
    const hb = await w.json<{ sessions: { name: string; action: string }[] }>(["heartbeat"]);
    expect(hb.sessions.find((s) => s.name === "later")?.action).toBe("started");
    expect(await w.waitEnded("later")).toMatchObject({ state: "succeeded", runs: 1 });
    // A 12 s pause waited out: 14 s on a loaded machine, so the default 30 s is too near.
  }, 60_000);

  it("a run SIGKILLed between recording its session and its first run leaves no phantom", async () => {
    const w = new World();
    // A slow git widens the moment between the two (the start commit is asked for there).
    const bin = join(w.root, "slow-bin");
    mkdirSync(bin);
    const git = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    writeFileSync(join(bin, "git"), `#!/bin/sh\nsleep 4\nexec '${git}' "$@"\n`, { mode: 0o755 });
    const child = spawn(process.execPath, [MAIN_JS, "run", "cmd", "--name", "cut", "--", "true"], {
      env: { ...w.env, PATH: `${bin}:${process.env.PATH ?? ""}` },
      stdio: "ignore",
    });
    const exited = new Promise((r) => child.on("exit", r));
    await waitFor(
      "the session to be recorded",
      async () => (await w.json<Status[]>(["ls"])).some((s) => s.name === "cut"),
      20_000,
    );
    child.kill("SIGKILL");
    await exited;
    // The launch is there as a queued run, and a heartbeat starts it once its
    // launcher has evidently gone (a grace of 10 s).
    const cut = await w.json<Status>(["status", "cut"]);
    expect(cut.runs).toBe(1);
    expect(cut.state).toBe("queued");
    await waitFor(
      "a heartbeat to start the cut launch",
      async () => {
        const hb = await w.json<{ sessions: { name: string; action: string }[] }>(["heartbeat"]);
        return hb.sessions.find((s) => s.name === "cut")?.action === "started";
      },
      25_000,
    );
    expect(await w.waitEnded("cut")).toMatchObject({ state: "succeeded", runs: 1 });
    // The 10 s launcher grace waited out: 16 s on a loaded machine.
  }, 60_000);
});
