import { beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { runCheck } from "./check.js";

describe("runCheck (real /bin/sh)", () => {
  let cwd = "";
  beforeEach(() => {
    cwd = tempDir();
  });
  it.each([
    ["exit 0, no count", "true", true, null],
    ["exit 1", "exit 1", false, null],
    ["exit 0, tests ran", "echo 'Tests  2 passed (2)'", true, 2],
    ["exit 0, zero tests", "echo '  0 passing (1ms)'", false, 0],
    ["a compound command", "true && echo '# tests 1'", true, 1],
    ["the plain zero line", "echo '0 passed, 0 failed'", false, 0],
    ["jest zero total", "echo 'Tests:       0 total'", false, 0],
  ])("%s", async (_name, command, passed, tests) => {
    const r = await runCheck(command, cwd, { timeoutMs: 10_000 });
    expect(r.passed).toBe(passed);
    expect(r.testsRan).toBe(tests);
    expect(r.summary).not.toBe("");
    if (tests === null && passed) expect(r.summary).toMatch(/test count unknown/);
  });

  it("a check that outlives its deadline fails as timed out", async () => {
    const r = await runCheck("sleep 30", cwd, { timeoutMs: 300 });
    expect(r).toMatchObject({ passed: false, timedOut: true });
    expect(r.summary).toMatch(/timed out/);
  });
});
