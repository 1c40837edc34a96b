import { describe, expect, it } from "vitest";
import { formatDuration } from "./format-duration.js";

describe("formatDuration", () => {
  it.each<[number, string]>([
    [-5, "0s"],
    [Number.NaN, "0s"],
    [0, "0ms"],
    [850.7, "850ms"],
    [1000, "1s"],
    [12_999, "12s"],
    [60_000, "1m00s"],
    [252_000, "4m12s"],
    [3_599_999, "59m59s"],
    [3_600_000, "1h00m"],
    [3_780_000, "1h03m"],
    [86_399_999, "23h59m"],
    [86_400_000 * 2 + 5 * 3_600_000, "2d05h"],
  ])("%d ms -> %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
