import { describe, expect, it } from "vitest";
import { decideIteration, type IterationFacts } from "./decide.js";

const honest: IterationFacts = {
  exitCode: 0,
  signal: null,
  timedOut: false,
  interrupted: false,
  workCommits: 1,
  uncommitted: [],
  checkConfigured: true,
  check: { passed: true, testsRan: 40, summary: "passed (exit 0, 40 tests)" },
  tickedOwn: true,
  diagnosis: null,
};

describe("decideIteration: gaming the evidence is never done", () => {
  it.each<[string, Partial<IterationFacts>, string, boolean | null, RegExp]>([
    ["honest work", {}, "done", null, /1 commit, check passed/],
    [
      "history rewritten, even with a passing check",
      { historyRewritten: "history was rewritten: HEAD (abc) no longer descends" },
      "history-rewritten",
      false,
      /no longer descends.*box was unticked/,
    ],
    [
      "the check's files changed",
      {
        tampered: "files the check depends on changed since the loop started: check.sh",
        check: null,
      },
      "tampered",
      false,
      /check\.sh; the check cannot judge this work/,
    ],
    [
      "tampered and failed: tampering is what is reported",
      { tampered: "the check's test count fell from 40 to 1", exitCode: 1 },
      "tampered",
      false,
      /fell from 40 to 1/,
    ],
    [
      "tampered without ticking: the box is left alone",
      { tampered: "x changed", tickedOwn: false },
      "tampered",
      null,
      /x changed/,
    ],
    [
      "an interruption stays an interruption",
      { interrupted: true, historyRewritten: "rewritten" },
      "interrupted",
      false,
      /stopped by agentmux/,
    ],
  ])("%s -> %s", (_name, over, outcome, box, reason) => {
    const d = decideIteration({ ...honest, ...over });
    expect(d.outcome).toBe(outcome);
    expect(d.box).toBe(box);
    expect(d.reason).toMatch(reason);
    if (outcome === "tampered" || outcome === "history-rewritten") {
      expect(d).toMatchObject({ counted: true, itemState: "failed", progress: false });
    }
  });
});
