import { describe, expect, it } from "vitest";
import {
  decideStall,
  logMoved,
  normalizeScreen,
  sampleEveryMs,
  type StallFacts,
  type StallSample,
} from "./stall.js";

const opts = { stallAfterMs: 60_000, ticksPerSecond: 100 };
const prev: StallSample = {
  at: 0,
  logMtimeMs: 5,
  screenHash: "s1",
  cpuTicks: 1000,
  treeHash: "t1",
  progressAt: 0,
};
const facts = (over: Partial<StallFacts>): StallFacts => ({
  at: 60_000,
  logMtimeMs: 5,
  screenHash: null,
  cpuTicks: 1000,
  treeHash: "t1",
  ...over,
});

describe("decideStall", () => {
  it.each<[string, Partial<StallFacts>, string | null, boolean]>([
    ["nothing moved for the whole window", {}, null, true],
    ["nothing moved, window not over", { at: 59_999 }, null, false],
    ["spinner: log moved, same screen", { logMtimeMs: 99, screenHash: "s1" }, null, true],
    ["new text on screen", { logMtimeMs: 99, screenHash: "s2" }, "output", false],
    ["silent test run using a core", { cpuTicks: 1000 + 6000 }, "cpu", false],
    ["a spinner's 1 % of a core is idle", { cpuTicks: 1000 + 60 }, null, true],
    ["5 % of a core is busy", { cpuTicks: 1000 + 300 }, "cpu", false],
    ["files changed", { treeHash: "t2" }, "files", false],
    ["tree not computed counts as unchanged", { treeHash: null }, null, true],
    ["cpu unknown (no /proc)", { cpuTicks: null }, null, true],
  ])("%s", (_what, over, progress, stalled) => {
    const d = decideStall(prev, facts(over), opts);
    expect(d.progress).toBe(progress);
    expect(d.stalled).toBe(stalled);
    expect(d.sample.progressAt).toBe(progress === null ? 0 : d.sample.at);
  });

  it("never calls a first sample stalled", () => {
    const d = decideStall(null, facts({ at: 10 * 60 * 60_000 }), opts);
    expect(d).toMatchObject({ stalled: false, idleMs: 0 });
    expect(d.sample.progressAt).toBe(10 * 60 * 60_000);
  });

  it("carries the screen and tree forward when they were not gathered", () => {
    const d = decideStall(prev, facts({ screenHash: null, treeHash: null }), opts);
    expect(d.sample).toMatchObject({ screenHash: "s1", treeHash: "t1" });
  });

  it.each<[StallSample | null, number | null, boolean]>([
    [null, 1, true],
    [prev, 5, false],
    [prev, 6, true],
    [{ ...prev, screenHash: null }, 5, true],
  ])("logMoved(%j, %j) = %j", (p, mtime, moved) => {
    expect(logMoved(p, mtime)).toBe(moved);
  });

  it.each([
    [20 * 60_000, 5 * 60_000],
    [60 * 60_000, 5 * 60_000],
    [2_000, 1_000],
    [8_000, 2_000],
  ])("samples a %d ms window every %d ms", (window, every) => {
    expect(sampleEveryMs(window)).toBe(every);
  });
});

describe("normalizeScreen", () => {
  it.each([
    ["⠋ Working (12s • esc to interrupt)", "⠙ Working (13s • esc to interrupt)"],
    ["✻ Thinking… (4s · ↑ 1.2k tokens)", "✶ Thinking… (5s · ↑ 1.3k tokens)"],
    ["line   ", "line"],
  ])("%j redraws as %j", (a, b) => {
    expect(normalizeScreen(a)).toBe(normalizeScreen(b));
  });

  it("keeps new text different", () => {
    expect(normalizeScreen("running tests")).not.toBe(normalizeScreen("running tests\nPASS a"));
  });
});
