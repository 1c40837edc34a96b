import { describe, expect, it } from "vitest";
import { canTransition, assertTransition, endState } from "./lifecycle.js";
import { RUN_STATES } from "./lifecycle.js";

describe("run transitions", () => {
  it.each([
    ["starting", "running", true],
    ["running", "succeeded", true],
    ["running", "lost", true],
    ["lost", "failed", true],
    ["succeeded", "running", false],
    ["killed", "lost", false],
    ["running", "starting", false],
  ] as const)("%s -> %s is %s", (from, to, ok) => {
    expect(canTransition(from, to)).toBe(ok);
  });

  it("terminal states go nowhere", () => {
    for (const to of RUN_STATES) {
      expect(canTransition("succeeded", to)).toBe(false);
      expect(canTransition("failed", to)).toBe(false);
    }
  });

  it("throws with both states named", () => {
    expect(() => assertTransition("failed", "running")).toThrow(/"running", got "failed"/);
  });
});

describe("endState", () => {
  it.each([
    [{ exitCode: 0, signal: null, killRequested: false }, "succeeded"],
    [{ exitCode: 1, signal: null, killRequested: false }, "failed"],
    [{ exitCode: null, signal: "SIGKILL", killRequested: false }, "failed"],
    [{ exitCode: 0, signal: null, killRequested: true }, "killed"],
    [{ exitCode: null, signal: "SIGTERM", killRequested: true }, "killed"],
    [{ exitCode: null, signal: "SIGTERM", killRequested: false, hangup: true }, "lost"],
    [{ exitCode: 0, signal: null, killRequested: false, hangup: true }, "succeeded"],
    [{ exitCode: null, signal: "SIGTERM", killRequested: true, hangup: true }, "killed"],
  ] as const)("%o -> %s", (exit, state) => {
    expect(endState(exit)).toBe(state);
  });
});
