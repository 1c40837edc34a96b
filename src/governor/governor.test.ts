import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it, onTestFinished } from "vitest";
import { openStore } from "../store/open.js";
import type { Store } from "../store/store.js";
import { tempDir } from "../../test/helpers/tmp.js";
import {
  acquireLaunchSlot,
  limitsFor,
  pauseUntilFor,
  planSlot,
  readGovernor,
  reportRateLimit,
  type GovernorState,
  type SlotPlan,
} from "./governor.js";
import { testSpec } from "../../test/helpers/spec.js";

const NOW = Date.parse("2025-06-01T12:00:00.000Z");
const iso = (offsetMs: number): string => new Date(NOW + offsetMs).toISOString();
const idle: GovernorState = { lastLaunchAt: null, pausedUntil: null, pauseReason: null };

describe("planSlot", () => {
  it.each<[string, Partial<GovernorState>, number, SlotPlan["ok"], number | null | undefined]>([
    ["idle: go", {}, 0, true, undefined],
    ["under the limit: go", {}, 2, true, undefined],
    ["at the limit: wait for a run to end", {}, 3, false, null],
    ["spaced: wait the rest", { lastLaunchAt: iso(-500) }, 0, false, 1500],
    ["spacing passed: go", { lastLaunchAt: iso(-2000) }, 0, true, undefined],
    ["paused: wait for the reset", { pausedUntil: iso(60_000) }, 0, false, 60_000],
    ["pause over: go", { pausedUntil: iso(-1) }, 0, true, undefined],
    [
      "the same launcher again (a serial loop): not spaced",
      { lastLaunchAt: iso(-500), lastLaunchBy: "run:7" },
      0,
      true,
      undefined,
    ],
    [
      "another launcher: spaced",
      { lastLaunchAt: iso(-500), lastLaunchBy: "run:8" },
      0,
      false,
      1500,
    ],
    [
      "the same launcher still obeys a pause",
      { pausedUntil: iso(1000), lastLaunchBy: "run:7" },
      0,
      false,
      1000,
    ],
  ])("%s", (_what, state, live, ok, waitMs) => {
    const plan = planSlot({
      agent: "codex",
      state: { ...idle, ...state },
      live,
      limits: { concurrency: 3, spacingMs: 2000 },
      now: NOW,
      launcher: "run:7",
    });
    expect(plan.ok).toBe(ok);
    if (!plan.ok) expect(plan.waitMs).toBe(waitMs);
  });
});

describe("limitsFor", () => {
  it.each<[string, Record<string, object>, ReturnType<typeof limitsFor>]>([
    ["codex", {}, { concurrency: Infinity, spacingMs: 1000, pauseOnLimit: true }],
    // A cmd or demo command's output is no provider account's: it pauses nothing by default.
    ["cmd", {}, { concurrency: Infinity, spacingMs: 0, pauseOnLimit: false }],
    ["demo", {}, { concurrency: Infinity, spacingMs: 0, pauseOnLimit: false }],
    [
      "cmd",
      { cmd: { pauseOnLimit: true } },
      { concurrency: Infinity, spacingMs: 0, pauseOnLimit: true },
    ],
    [
      "codex",
      { codex: { concurrency: 3, spacingSeconds: 2 } },
      { concurrency: 3, spacingMs: 2000, pauseOnLimit: true },
    ],
    [
      "claude",
      { claude: { spacingSeconds: 0 } },
      { concurrency: Infinity, spacingMs: 0, pauseOnLimit: true },
    ],
  ])("%s with %j", (agent, limits, expected) => {
    expect(limitsFor(agent, { limits })).toEqual(expected);
  });

  it("ignores a recorded pause for an agent that does not pause on limits", () => {
    const state = { ...idle, pausedUntil: iso(60_000), pauseReason: "usage-limit hit by x" };
    const limits = { concurrency: Infinity, spacingMs: 0 };
    expect(planSlot({ agent: "cmd", state, live: 0, limits, now: NOW }).ok).toBe(false);
    expect(
      planSlot({
        agent: "cmd",
        state,
        live: 0,
        limits: { ...limits, pauseOnLimit: false },
        now: NOW,
      }).ok,
    ).toBe(true);
  });
});

describe("pauseUntilFor", () => {
  const ended = new Date(NOW);
  it.each<[string, Parameters<typeof pauseUntilFor>[0], string | null]>([
    [
      "usage limit with a reset",
      { code: "usage-limit", summary: "", resetAt: iso(3_600_000) },
      iso(3_600_000),
    ],
    ["usage limit without one", { code: "usage-limit", summary: "" }, null],
    [
      "rate limit with retry-after",
      { code: "rate-limit", summary: "", retryAfterMs: 20_000 },
      iso(20_000),
    ],
    ["rate limit without", { code: "rate-limit", summary: "" }, iso(60_000)],
    ["a crash", { code: "crash", summary: "" }, null],
    ["no diagnosis", null, null],
  ])("%s", (_what, diagnosis, until) => {
    expect(pauseUntilFor(diagnosis, ended)).toBe(until);
  });
});

function store(dir = tempDir()): Store {
  const s = openStore(dir);
  onTestFinished(() => s.close());
  return s;
}

describe("acquireLaunchSlot (one process)", () => {
  it("takes a free slot at once and records the launch", async () => {
    const s = store();
    const { waitedMs, reserved } = await acquireLaunchSlot(s, "codex", {
      limits: { concurrency: 1, spacingMs: 0 },
      reserve: () => 42,
      clock: () => NOW,
    });
    expect(waitedMs).toBe(0);
    expect(reserved).toBe(42);
    expect(readGovernor(s, "codex").lastLaunchAt).toBe(iso(0));
  });

  it("waits out the spacing, telling why", async () => {
    const s = store();
    let t = NOW;
    const sleeps: number[] = [];
    const opts = {
      limits: { concurrency: 10, spacingMs: 2000 },
      clock: () => t,
      sleep: (ms: number) => {
        sleeps.push(ms);
        t += ms;
        return Promise.resolve();
      },
    };
    await acquireLaunchSlot(s, "codex", opts);
    const reasons: string[] = [];
    const { waitedMs } = await acquireLaunchSlot(s, "codex", {
      ...opts,
      onWait: (i) => reasons.push(i.reason),
    });
    expect(waitedMs).toBeGreaterThanOrEqual(2000);
    expect(reasons).toEqual(["codex launches are spaced 2s apart"]);
  });

  it("refuses at once when a known pause outlasts the wait bound", async () => {
    const s = store();
    reportRateLimit(s, "codex", iso(3_600_000), "usage-limit hit by a");
    // An earlier pause never shortens a later one.
    reportRateLimit(s, "codex", iso(60_000));
    expect(readGovernor(s, "codex").pausedUntil).toBe(iso(3_600_000));
    await expect(
      acquireLaunchSlot(s, "codex", {
        limits: { concurrency: 3, spacingMs: 0 },
        maxWaitMs: 60_000,
        clock: () => NOW,
      }),
    ).rejects.toThrow(/codex is paused until 2025-06-01T13:00:00.000Z \(usage-limit hit by a\)/);
    // Another agent is not paused.
    await expect(
      acquireLaunchSlot(s, "claude", {
        limits: { concurrency: 3, spacingMs: 0 },
        clock: () => NOW,
      }),
    ).resolves.toMatchObject({ waitedMs: 0 });
  });

  it("counts only live runs whose supervisor is alive", async () => {
    const s = store();
    const session = s.createSession({ name: "a", kind: "agent", agent: "codex", spec: testSpec() });
    const mk = (runnerPid: number | null) => {
      const r = s.createRun(session.id, {
        state: "starting",
        runDir: "",
        logPath: "",
        startedAt: new Date().toISOString(),
      });
      return runnerPid === null ? r : s.updateRun(r.id, { runnerPid });
    };
    mk(process.pid); // alive
    mk(null); // being launched
    mk(2 ** 22 + 12345); // a pid that does not exist (above pid_max)
    const limits = { concurrency: 2, spacingMs: 0 };
    await expect(
      acquireLaunchSlot(s, "codex", { limits, maxWaitMs: 0, clock: () => Date.now() }),
    ).rejects.toThrow(/2 codex runs are live \(limit 2\)/);
    // A clock that stands still: a loaded machine must not turn "at once" into 1 ms.
    const at = Date.now();
    await expect(
      acquireLaunchSlot(s, "codex", { limits: { concurrency: 3, spacingMs: 0 }, clock: () => at }),
    ).resolves.toMatchObject({ waitedMs: 0 });
  });
});

const CHILD = fileURLToPath(new URL("../../test/fixtures/governor-child.ts", import.meta.url));
const CACHE = fileURLToPath(new URL("../../node_modules/.cache/agentmux-tests/", import.meta.url));

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe("acquireLaunchSlot across processes", () => {
  it("20 launchers at once: spaced and never more than the limit live", async () => {
    // Inside node_modules so the bundle's `import "better-sqlite3"` resolves.
    mkdirSync(CACHE, { recursive: true });
    const bundle = join(CACHE, `governor-child-${process.pid}.mjs`);
    await build({
      entryPoints: [CHILD],
      outfile: bundle,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      external: ["better-sqlite3"],
      logLevel: "warning",
    });
    const dir = tempDir();
    openStore(dir).close(); // migrate once, before the crowd
    const spacingMs = 100;
    const limit = 3;
    const outputs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runChild([bundle, dir, String(limit), String(spacingMs / 1000), "600", String(i)]),
      ),
    );
    const held = outputs
      .map((o) => JSON.parse(o) as { id: string; startedAt: number; endedAt: number })
      .sort((a, b) => a.startedAt - b.startedAt);
    expect(held).toHaveLength(20);
    for (let i = 1; i < held.length; i++) {
      expect(held[i]!.startedAt - held[i - 1]!.startedAt).toBeGreaterThanOrEqual(spacingMs);
    }
    // Holding 600 ms with launches 100 ms apart would put 6 live at once without the limit.
    const peak = Math.max(
      ...held.map(
        (h) => held.filter((o) => o.startedAt <= h.startedAt && o.endedAt > h.startedAt).length,
      ),
    );
    expect(peak).toBeLessThanOrEqual(limit);
  }, 90_000);
});
