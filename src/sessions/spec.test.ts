import { describe, expect, it } from "vitest";
import { testSpec } from "../../test/helpers/spec.js";
import { parseSessionSpec } from "./spec.js";

const loop = {
  prd: "PRD.md",
  maxIterations: 10,
  attempts: 3,
  iterationTimeoutMs: 60_000,
  checkTimeoutMs: 60_000,
  parallel: 1,
  spacingMs: 2_000,
  jitterMs: 1_000,
  noProgressLimit: 3,
};

describe("parseSessionSpec", () => {
  it.each<[string, unknown]>([
    ["a minimal spec", testSpec()],
    [
      "every optional field",
      testSpec({ journalDir: "/j", restart: "always", stallAfterMs: 5, loop }),
    ],
    [
      "a loop with a check and a time limit",
      testSpec({ loop: { ...loop, check: "npm test", timeoutMs: 9 } }),
    ],
  ])("accepts %s as it is", (_, raw) => {
    expect(parseSessionSpec(raw, "a")).toBe(raw);
  });

  it.each<[string, unknown, string]>([
    ["not an object", [], "it is not an object"],
    ["null", null, "it is not an object"],
    ["an empty object", {}, "agent is missing; cwd is missing"],
    ["an unknown agent", testSpec({ agent: "vim" as never }), 'agent is "vim"'],
    ["argv of numbers", { ...testSpec(), argv: [1] }, "argv is [1]"],
    ["a bad restart policy", { ...testSpec(), restart: "sometimes" }, 'restart is "sometimes"'],
    [
      "notify without webhooks",
      { ...testSpec(), notify: { commands: [], desktop: true } },
      "notify is",
    ],
    ["a loop without a PRD", testSpec({ loop: { ...loop, prd: undefined as never } }), "loop is"],
  ])("refuses %s, naming the session", (_, raw, problem) => {
    expect(() => parseSessionSpec(raw, "login")).toThrow(problem);
    expect(() => parseSessionSpec(raw, "login")).toThrow(
      'The stored spec of session "login" does not fit',
    );
  });
});
