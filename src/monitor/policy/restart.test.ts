import { describe, expect, it } from "vitest";
import type { Diagnosis, OutcomeCode } from "../../diagnose/types.js";
import type { RunState } from "../../sessions/lifecycle.js";
import {
  backoffDelay,
  decideRestart,
  type PastRun,
  type RestartDecision,
  type RestartInput,
} from "./restart.js";

const NOW = new Date("2025-06-01T12:00:00.000Z");
const at = (secondsAgo: number): string =>
  new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
/** A run that started `start` s ago and ended `end` s ago. */
const ran = (start: number, end: number, state: RunState = "failed"): PastRun => ({
  startedAt: at(start),
  endedAt: at(end),
  state,
});
const mid = (): number => 0.5; // no jitter
const diag = (code: OutcomeCode, extra: Partial<Diagnosis> = {}): Diagnosis => ({
  code,
  summary: code,
  ...extra,
});

function decide(partial: Partial<RestartInput> & Pick<RestartInput, "state">): RestartDecision {
  return decideRestart({
    policy: null,
    diagnosis: null,
    history: [ran(100, 60, partial.state)],
    now: NOW,
    random: mid,
    ...partial,
  });
}

describe("decideRestart: which states each policy restarts", () => {
  it.each<[RestartInput["policy"], RunState, RestartDecision["action"]]>([
    [null, "lost", "restart"],
    [null, "failed", "none"],
    [null, "succeeded", "none"],
    [null, "killed", "none"],
    ["never", "lost", "none"],
    ["never", "failed", "none"],
    ["on-failure", "lost", "restart"],
    ["on-failure", "failed", "restart"],
    ["on-failure", "succeeded", "none"],
    ["on-failure", "killed", "none"],
    ["always", "succeeded", "restart"],
    ["always", "failed", "restart"],
    ["always", "killed", "none"],
    ["always", "running", "none"],
    ["always", "starting", "none"],
  ])("policy %s, run %s -> %s", (policy, state, action) => {
    expect(decide({ policy, state }).action).toBe(action);
  });

  it("treats a run the monitor stopped for stalling as a failure", () => {
    const d = decide({ policy: "on-failure", state: "killed", diagnosis: diag("stall") });
    expect(d.action).toBe("restart");
  });
});

describe("decideRestart: diagnoses a restart cannot fix", () => {
  it.each<OutcomeCode>(["auth", "not-found", "cli-usage"])(
    "%s is never restarted, even with always",
    (code) => {
      const d = decide({
        policy: "always",
        state: "failed",
        diagnosis: diag(code, { fix: "codex login" }),
      });
      expect(d.action).toBe("none");
      expect(d).toMatchObject({ reason: expect.stringMatching(/not restarted/) as unknown });
    },
  );

  it("waits for a usage limit's reset time", () => {
    const resetAt = new Date(NOW.getTime() + 3_600_000).toISOString();
    const d = decide({
      policy: "on-failure",
      state: "failed",
      diagnosis: diag("usage-limit", { resetAt }),
    });
    expect(d).toEqual({ action: "wait", until: resetAt, reason: expect.any(String) as unknown });
  });

  it("restarts after a usage limit whose reset has passed", () => {
    const resetAt = at(10);
    const d = decide({
      policy: "on-failure",
      state: "failed",
      diagnosis: diag("usage-limit", { resetAt }),
    });
    expect(d.action).toBe("restart");
  });

  it("does not restart a usage limit with no known reset", () => {
    const d = decide({ policy: "on-failure", state: "failed", diagnosis: diag("usage-limit") });
    expect(d.action).toBe("none");
  });

  it("waits at least as long as a rate limit asked", () => {
    const d = decide({
      policy: "on-failure",
      state: "failed",
      history: [ran(10, 0)],
      diagnosis: diag("rate-limit", { retryAfterMs: 45_000 }),
    });
    expect(d).toEqual({ action: "restart", delayMs: 45_000 });
  });
});

describe("decideRestart: backoff, spacing and the crash loop", () => {
  it.each<[string, PastRun[], number]>([
    ["first failure: 2 s", [ran(5, 0)], 2_000],
    ["second short run: 4 s", [ran(20, 15), ran(5, 0)], 4_000],
    ["third: 8 s", [ran(40, 35), ran(20, 15), ran(5, 0)], 8_000],
    [
      "a healthy run (10 min up) resets the streak",
      [ran(3000, 2900), ran(2800, 20), ran(5, 0)],
      2_000,
    ],
    ["counted from the end of the run", [ran(20, 15), ran(5, 3)], 1_000],
    ["ended long ago: at once", [ran(900, 600, "lost")], 0],
  ])("%s", (_what, history, delayMs) => {
    const last = history.at(-1)!;
    expect(decide({ policy: "on-failure", state: last.state, history })).toEqual({
      action: "restart",
      delayMs,
    });
  });

  it("caps the backoff at 5 min", () => {
    const long = Array.from({ length: 30 }, (_, i) => ran(10_000 - i * 5, 10_000 - i * 5 - 1));
    expect(backoffDelay(long, mid)).toBe(300_000);
  });

  it.each([
    [0, 1_600],
    [0.999_999, 2_400],
  ])("jitter is +-20%% (random %d -> %d ms)", (r, delay) => {
    expect(backoffDelay([ran(5, 0)], () => r)).toBe(delay);
  });

  it("keeps 1 s between launches even when the backoff has passed", () => {
    const history = [ran(0.4, 0.2, "lost")];
    const d = decide({ policy: null, state: "lost", history, random: () => 0 });
    // backoff 1.6 s from the end (0.2 s ago) = 1.4 s; spacing alone would be 0.6 s.
    expect(d).toEqual({ action: "restart", delayMs: 1_400 });
  });

  it("5 failures within 10 min -> errored", () => {
    const history = [ran(500, 490), ran(400, 390), ran(300, 290), ran(200, 190), ran(100, 90)];
    expect(decide({ policy: "on-failure", state: "failed", history }).action).toBe("errored");
  });

  it("failures older than 10 min do not count", () => {
    const history = [ran(900, 890), ran(400, 390), ran(300, 290), ran(200, 190), ran(100, 90)];
    expect(decide({ policy: "on-failure", state: "failed", history }).action).toBe("restart");
  });

  it("failures before the last manual restart are forgiven", () => {
    const history = [ran(500, 490), ran(400, 390), ran(300, 290), ran(200, 190), ran(100, 90)];
    const d = decide({ policy: "on-failure", state: "failed", history, failuresSince: at(250) });
    expect(d.action).toBe("restart");
  });

  it("an errored session stays down until a manual restart", () => {
    expect(decide({ policy: "always", state: "lost", errored: true }).action).toBe("none");
    const manual = decide({
      policy: "never",
      state: "failed",
      errored: true,
      manual: true,
      diagnosis: diag("auth"),
      history: [ran(1, 0.5)],
    });
    expect(manual).toEqual({ action: "restart", delayMs: 0 });
  });

  it("a manual restart still keeps 1 s after the last launch", () => {
    const d = decide({ policy: "never", state: "failed", manual: true, history: [ran(0.3, 0.1)] });
    expect(d).toEqual({ action: "restart", delayMs: 700 });
  });
});
