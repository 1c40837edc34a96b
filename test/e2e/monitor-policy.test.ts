import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor, type Status } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { notifyRecorder, startWatch, watchReady } from "./monitor-helpers.js";

interface Report {
  restarted: number;
  sessions: { name: string; action: string; reason: string; at?: string; attention: boolean }[];
}

// FOR TESTS ONLY (docs/monitor.md): a 50 ms backoff base instead of 2 s.
const FAST = { AGENTMUX_RESTART_BACKOFF_MS: "50" };

describe("restart policy through watch", () => {
  it("a crash loop reaches errored after 5 failures, with exactly one errored notification", async () => {
    const w = new World();
    const rec = notifyRecorder(w);
    const repo = tempRepo();
    await w.cli([
      "run",
      "cmd",
      "--name",
      "crash",
      "--cwd",
      repo,
      "--restart",
      "on-failure",
      "--notify-cmd",
      rec.template,
      "--",
      FAKE_AGENT,
      "print:boom",
      "exit:1",
    ]);
    const wp = startWatch(w, FAST);
    await watchReady(wp);
    await waitFor("errored", () => /^crash: .*5 failures within 10 min/m.test(wp.output()), 40_000);
    await waitFor("the errored notification", () => rec.lines().includes("crash errored"));

    const r = JSON.parse(
      (await w.cli(["heartbeat", "--json", "--restart"], { env: FAST })).stdout,
    ) as Report;
    expect(r.restarted).toBe(0);
    expect((await w.json<Status>(["status", "crash"])).runs).toBe(5);
    expect(rec.lines().filter((l) => l === "crash errored")).toHaveLength(1);
    // Each failure notifies too (coalesced by notify/ when they come fast), never as errored.
    expect(rec.lines().filter((l) => l === "crash failed").length).toBeGreaterThanOrEqual(1);
    const text = await w.cli(["heartbeat"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^crash: failed \(run 5\).*errored after repeated failures; agentmux restart resumes it · fix: /m,
    );

    // A person's restart clears it: the session runs (and is restarted) again.
    await w.cli(["restart", "crash"]);
    await w.waitStatus("crash", (s) => s.runs >= 7);
  });

  it("an auth failure is never restarted, even with --restart always", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli([
      "run",
      "cmd",
      "--name",
      "auth",
      "--cwd",
      repo,
      "--restart",
      "always",
      "--",
      FAKE_AGENT,
      "print:Not logged in · Please run /login",
      "exit:1",
    ]);
    const wp = startWatch(w, FAST);
    await watchReady(wp);
    await waitFor("the policy's answer", () =>
      /^auth: failed \(run 1\) · auth: .*not restarted after an authentication failure · fix: .*login/m.test(
        wp.output(),
      ),
    );
    const r = await w.cli(["heartbeat", "--json", "--restart"], { env: FAST });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as Report).restarted).toBe(0);
    expect((await w.json<Status>(["status", "auth"])).runs).toBe(1);
  });

  it("a rate limit waits for the API's retry time, then restarts", async () => {
    const w = new World();
    const repo = tempRepo();
    const marker = join(repo, ".limited-once");
    // Rate-limited once, then it works.
    const script = `if [ -e '${marker}' ]; then exec '${FAKE_AGENT}' hang; fi; : > '${marker}'; echo 'Rate limit reached for gpt-5 in organization org-x on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000. Please try again in 2.5s.'; exit 1`;
    writeFileSync(join(repo, ".gitignore"), ".limited-once\n");
    await w.cli([
      "run",
      "cmd",
      "--name",
      "rl",
      "--cwd",
      repo,
      "--restart",
      "on-failure",
      "--",
      "sh",
      "-c",
      script,
    ]);
    const failed = await w.waitStatus("rl", (s) => s.state === "failed");
    expect(failed.diagnosis?.code).toBe("rate-limit");
    const wp = startWatch(w, FAST);
    await watchReady(wp);
    const back = await w
      .waitStatus("rl", (s) => s.runs === 2 && s.state === "running", 20_000)
      .catch((e: Error) => {
        throw new Error(`${e.message}\nwatch said:\n${wp.output()}`);
      });
    // The API's retry time wins over the (short) backoff.
    expect(Date.parse(back.startedAt) - Date.parse(failed.endedAt ?? "")).toBeGreaterThanOrEqual(
      2_500,
    );
  });

  it("a usage limit is not restarted until its reset", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli([
      "run",
      "cmd",
      "--name",
      "ul",
      "--cwd",
      repo,
      "--restart",
      "on-failure",
      "--",
      FAKE_AGENT,
      "print:You've hit your usage limit. To get more access now, send a request to your admin or try again in 3 days 6 hours 57 minutes.",
      "exit:1",
    ]);
    await w.waitEnded("ul");
    const wp = startWatch(w, FAST);
    await watchReady(wp);
    await waitFor("ul to wait", () =>
      /^ul: failed \(run 1\) · usage-limit: .*waiting for its reset \(until /m.test(wp.output()),
    );
    const r = await w.cli(["heartbeat", "--json", "--restart"], { env: FAST });
    expect(r.code).toBe(0);
    const ul = (JSON.parse(r.stdout) as Report).sessions.find((s) => s.name === "ul");
    expect(ul).toMatchObject({ action: "waiting", attention: false });
    expect(Date.parse(ul?.at ?? "") - Date.now()).toBeGreaterThan(3 * 24 * 3_600_000);
    expect((await w.json<Status>(["status", "ul"])).runs).toBe(1);
  });
});
