import { describe, expect, it, onTestFinished } from "vitest";
import { acquireLaunchSlot, planSlot, type ElsewhereLive } from "../governor/governor.js";
import { openStore } from "../store/open.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { elsewhereFrom, liveByAgent, type HostCount } from "./fleet-count.js";

const NOW = Date.parse("2025-06-01T12:00:00.000Z");
const idle = { lastLaunchAt: null, pausedUntil: null, pauseReason: null };

describe("liveByAgent", () => {
  it.each<[string, { agent: string; state: string }[], Record<string, number>]>([
    ["nothing", [], {}],
    [
      "starting and running count, ended and queued do not",
      [
        { agent: "claude", state: "running" },
        { agent: "claude", state: "starting" },
        { agent: "claude", state: "succeeded" },
        { agent: "claude", state: "queued" },
        { agent: "codex", state: "running" },
        { agent: "codex", state: "lost" },
      ],
      { claude: 2, codex: 1 },
    ],
  ])("%s", (_what, list, want) => {
    expect(liveByAgent(list)).toEqual(want);
  });
});

describe("elsewhereFrom", () => {
  const up = (host: string, live: Record<string, number>): HostCount => ({
    host,
    reachable: true,
    live,
  });
  const down = (host: string, live: Record<string, number> | null): HostCount => ({
    host,
    reachable: false,
    lastKnown: live === null ? null : { live, at: "2025-06-01T11:58:07.000Z" },
  });
  it.each<[string, HostCount[], ElsewhereLive]>([
    ["no hosts: nothing added, nothing said", [], { live: 0, note: null }],
    [
      "every host answered: their sum, each named",
      [up("h0", { claude: 1 }), up("h1", { codex: 3 })],
      { live: 1, note: "h0: 1, h1: 0" },
    ],
    [
      "an unreachable host counts with its last known number, and says so",
      [up("h0", { claude: 1 }), down("h2", { claude: 2 })],
      { live: 3, note: "h0: 1, h2: 2 last known at 11:58:07 UTC, unreachable" },
    ],
    [
      "an unreachable host never seen: 0, count unknown",
      [down("h3", null)],
      { live: 0, note: "h3: unreachable, count unknown" },
    ],
  ])("%s", (_what, hosts, want) => {
    expect(elsewhereFrom("claude", hosts)).toEqual(want);
  });
});

describe("the governor with runs on other machines", () => {
  it("planSlot: the hosts' share is in the count and named in the reason", () => {
    const plan = planSlot({
      agent: "claude",
      state: idle,
      live: 1,
      limits: { concurrency: 1, spacingMs: 0 },
      now: NOW,
      elsewhere: "h0: 1, h1: 0",
    });
    expect(plan).toEqual({
      ok: false,
      kind: "concurrency",
      waitMs: null,
      reason: "1 claude runs are live (limit 1; h0: 1, h1: 0)",
    });
  });

  it("acquireLaunchSlot waits while another machine holds the slot, and takes it when freed", async () => {
    const s = openStore(tempDir());
    onTestFinished(() => s.close());
    const answers: ElsewhereLive[] = [
      { live: 1, note: "h0: 1" },
      { live: 1, note: "h0: 1" },
      { live: 0, note: "h0: 0" },
    ];
    let asked = 0;
    let t = NOW;
    const reasons: string[] = [];
    const { reserved } = await acquireLaunchSlot(s, "claude", {
      limits: { concurrency: 1, spacingMs: 0 },
      elsewhere: () => Promise.resolve(answers[Math.min(asked++, answers.length - 1)]!),
      reserve: () => "taken",
      onWait: (w) => reasons.push(w.reason),
      clock: () => t,
      sleep: (ms) => {
        t += ms;
        return Promise.resolve();
      },
    });
    expect(reserved).toBe("taken");
    expect(asked).toBe(3);
    expect(reasons).toEqual(["1 claude runs are live (limit 1; h0: 1)"]);
  });

  it("acquireLaunchSlot asks no other machine when there is no concurrency limit", async () => {
    const s = openStore(tempDir());
    onTestFinished(() => s.close());
    let asked = 0;
    await acquireLaunchSlot(s, "claude", {
      limits: { concurrency: Infinity, spacingMs: 0 },
      elsewhere: () => {
        asked++;
        return Promise.resolve({ live: 5, note: "h0: 5" });
      },
    });
    expect(asked).toBe(0);
  });
});
