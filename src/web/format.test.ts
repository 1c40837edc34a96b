import { describe, expect, it } from "vitest";
import { age, duration, needsAttention, ordered, usageText } from "./page/format.js";
import type { Session } from "./page/types.js";

const s = (over: Partial<Session>): Session => ({
  name: "x",
  kind: "agent",
  agent: "codex",
  state: "running",
  exitCode: null,
  signal: null,
  cwd: null,
  command: null,
  startedAt: "2026-01-01T00:00:00Z",
  endedAt: null,
  durationMs: 0,
  lastOutputAt: null,
  runs: 1,
  run: 1,
  endReason: null,
  evidence: null,
  verdict: null,
  diagnosis: null,
  foreign: false,
  ...over,
});

describe("the page's words", () => {
  it.each([
    [null, "-"],
    [5_000, "5s"],
    [65_000, "1m05s"],
    [3_600_000 + 120_000, "1h02m"],
    [50 * 3_600_000, "2d2h"],
  ])("duration(%j) = %s", (ms, text) => {
    expect(duration(ms)).toBe(text);
  });

  it("says how long ago", () => {
    expect(age("2026-01-01T00:00:00Z", Date.parse("2026-01-01T00:01:30Z"))).toBe("1m30s ago");
    expect(age(null, 0)).toBe("-");
  });

  it("puts sessions that need a person first, then live ones, then finished, then foreign", () => {
    const list = [
      s({ name: "done", state: "succeeded", verdict: "verified" }),
      s({ name: "foreign", state: "foreign", foreign: true }),
      s({ name: "live", state: "running" }),
      s({ name: "lost", state: "lost" }),
      s({ name: "claims", state: "succeeded", verdict: "unverified" }),
      s({ name: "stalled", state: "stalled" }),
    ];
    expect(ordered(list).map((x) => x.name)).toEqual([
      "claims",
      "lost",
      "stalled",
      "live",
      "done",
      "foreign",
    ]);
    expect(needsAttention(s({ state: "running", attention: true }))).toBe(true);
  });

  it.each([
    [null, null],
    [{}, null],
    [{ inputTokens: 1000, outputTokens: 234 }, "1.2k tok"],
    [{ totalTokens: 12, costUsd: 0.4 }, "12 tok · $0.40"],
    [{ input: 12000, output: 345, cost: { usd: 0.4123, basis: "reported" } }, "12.3k tok · $0.41"],
    [{ input: 10, output: null, cost: { usd: 0.01, basis: "estimated" } }, "10 tok · ~$0.01"],
    [{ input: null, output: null, cost: { usd: null, basis: "none" } }, null],
  ])("usage %j -> %j", (u, text) => {
    expect(usageText(u)).toBe(text);
  });
});
