import { describe, expect, it } from "vitest";
import type { Verdict } from "./types.js";
import { decideVerdict, type VerdictInput } from "./verdict.js";

const commit = { sha: "a".repeat(40), subject: "work" };
const ev = (over: Partial<VerdictInput["evidence"]> = {}): VerdictInput["evidence"] => ({
  isRepo: true,
  commits: [],
  filesChanged: [],
  uncommitted: [],
  ...over,
});

describe("decideVerdict", () => {
  it.each<[string, number | null, string | null, VerdictInput["evidence"], Verdict]>([
    [
      "clean exit with commits",
      0,
      null,
      ev({ commits: [commit], filesChanged: ["a"] }),
      "verified",
    ],
    ["clean exit with only uncommitted files", 0, null, ev({ uncommitted: ["a"] }), "verified"],
    ["clean exit with only changed files", 0, null, ev({ filesChanged: ["a"] }), "verified"],
    ["clean exit with only a commit (empty)", 0, null, ev({ commits: [commit] }), "verified"],
    ["clean exit, nothing changed", 0, null, ev(), "no-changes"],
    ["clean exit outside a repo", 0, null, ev({ isRepo: false }), "unverifiable"],
    ["non-zero exit despite commits", 1, null, ev({ commits: [commit] }), "failed"],
    ["non-zero exit, nothing changed", 2, null, ev(), "failed"],
    ["killed by a signal", null, "SIGKILL", ev({ uncommitted: ["a"] }), "failed"],
    ["signal reported with exit 0", 0, "SIGTERM", ev({ commits: [commit] }), "failed"],
    ["unknown exit (runner lost)", null, null, ev({ commits: [commit] }), "failed"],
    ["crash outside a repo is still a failure", 1, null, ev({ isRepo: false }), "failed"],
  ])("%s", (_name, exitCode, signal, evidence, expected) => {
    expect(decideVerdict({ exitCode, signal, evidence })).toBe(expected);
  });
});
