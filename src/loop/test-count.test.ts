import { describe, expect, it } from "vitest";
import { testCount } from "./test-count.js";

describe("testCount", () => {
  it.each([
    ["vitest pass", " Test Files  1 passed (1)\n      Tests  3 passed (3)\n", 3],
    ["vitest mixed", "      Tests  1 failed | 2 passed (3)\n", 3],
    ["vitest none", "      Tests  no tests\n", 0],
    ["jest", "Tests:       2 passed, 2 total\n", 2],
    ["node --test", "ℹ tests 4\nℹ suites 0\nℹ pass 4\n", 4],
    ["tap", "1..2\n# tests 2\n# pass 2\n", 2],
    ["mocha", "\n  3 passing (12ms)\n", 3],
    ["mocha zero", "\n  0 passing (1ms)\n", 0],
    ["pytest", "===== 3 passed, 1 skipped in 0.12s =====\n", 3],
    ["pytest fail", "===== 1 failed, 2 passed in 0.30s =====\n", 3],
    ["pytest none", "===== no tests ran in 0.01s =====\n", 0],
    ["cargo", "test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured\n", 5],
    ["go none", "ok  \texample.com/x\t0.01s [no tests to run]\n", 0],
    ["last summary wins", "Tests  1 passed (1)\nTests  7 passed (7)\n", 7],
    ["a linter", "All matched files use Prettier code style!\n", null],
    ["nothing", "", null],
  ])("%s", (_name, output, expected) => {
    expect(testCount(output)).toBe(expected);
  });
});
