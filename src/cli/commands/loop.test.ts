import { describe, expect, it } from "vitest";
import { startSpacing } from "../../api/launch.js";

describe("--start-spacing", () => {
  it.each([
    [undefined, { spacingMs: 2_000, jitterMs: 1_000 }],
    ["0", { spacingMs: 0, jitterMs: 0 }],
    ["0s", { spacingMs: 0, jitterMs: 0 }],
    ["1s", { spacingMs: 1_000, jitterMs: 500 }],
    ["10s", { spacingMs: 10_000, jitterMs: 1_000 }],
    ["1m", { spacingMs: 60_000, jitterMs: 1_000 }],
  ])("%s -> %o", (text, want) => {
    expect(startSpacing(text)).toEqual(want);
  });

  it.each(["soon", "-1s", "2 parsecs"])("rejects %s, naming the flag", (text) => {
    expect(() => startSpacing(text)).toThrow(/--start-spacing: expected a duration/);
  });
});
