import { describe, expect, it } from "vitest";
import { waitExitCode } from "./wait.js";

describe("waitExitCode: how agentmux wait exits", () => {
  it.each([
    { state: "succeeded", timedOut: false, want: 0 },
    { state: "failed", timedOut: false, want: 1 },
    { state: "lost", timedOut: false, want: 3 },
    { state: "killed", timedOut: false, want: 4 },
    { state: "running", timedOut: true, want: 124 },
    { state: "starting", timedOut: true, want: 124 },
  ])("$state (timed out: $timedOut) -> $want", ({ state, timedOut, want }) => {
    expect(waitExitCode({ timedOut, status: { state } })).toBe(want);
  });
});
