import { describe, expect, it } from "vitest";
import { RETRY_GIVE_UP_MS, RETRY_MAX_DELAY_MS, afterFailure, retryDelayMs } from "./retry.js";

describe("retryDelayMs", () => {
  it.each<[number, number]>([
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [6, 160_000],
    [7, RETRY_MAX_DELAY_MS],
    [500, RETRY_MAX_DELAY_MS],
    [0, 5_000],
  ])("after %i attempt(s): %i ms", (attempts, ms) => {
    expect(retryDelayMs(attempts)).toBe(ms);
  });
});

describe("afterFailure", () => {
  const created = "2026-01-01T00:00:00.000Z";
  const t0 = Date.parse(created);
  it("waits the backoff while inside the bound", () => {
    expect(afterFailure({ attempts: 1, createdAt: created, retrySince: null }, t0, false)).toEqual({
      state: "pending",
      nextAttemptAt: "2026-01-01T00:00:05.000Z",
    });
  });
  it("gives up once the next attempt would fall past the bound", () => {
    const late = t0 + RETRY_GIVE_UP_MS - 60_000;
    expect(
      afterFailure({ attempts: 300, createdAt: created, retrySince: null }, late, false),
    ).toEqual({ state: "failed" });
  });
  it("counts the bound from retrySince (agentmux notify retry)", () => {
    const now = t0 + 2 * RETRY_GIVE_UP_MS;
    const since = new Date(now - 1000).toISOString();
    expect(
      afterFailure({ attempts: 1, createdAt: created, retrySince: since }, now, false).state,
    ).toBe("pending");
  });
  it("a permanent failure is final at once", () => {
    expect(afterFailure({ attempts: 1, createdAt: created, retrySince: null }, t0, true)).toEqual({
      state: "failed",
    });
  });
  it("a whole day of failures is about 300 attempts, never a flood", () => {
    let attempts = 0;
    let now = t0;
    for (;;) {
      attempts++;
      const next = afterFailure({ attempts, createdAt: created, retrySince: null }, now, false);
      if (next.state === "failed") break;
      now = Date.parse(next.nextAttemptAt);
    }
    expect(attempts).toBeGreaterThan(250);
    expect(attempts).toBeLessThan(300);
  });
});
