import { describe, expect, it } from "vitest";
import { buildPrompt } from "./prompt.js";

const base = {
  prdPath: "PRD.md",
  progressPath: "PRD.progress.md",
  item: "Add the parser",
  position: { index: 0, total: 2 },
  attempt: 1,
  maxAttempts: 3,
};

describe("buildPrompt: the rules the guard enforces are told up front", () => {
  it("names what the check depends on, when there is something", () => {
    const p = buildPrompt({ ...base, check: "sh check.sh", protect: ["check.sh", "tests/**"] });
    expect(p).toContain(
      "7. Do not change or delete what the check depends on (check.sh, tests/**;",
    );
    expect(p).toMatch(/rewrite git history/);
  });
  it("still forbids cutting items and rewriting history without protected paths", () => {
    const p = buildPrompt(base);
    expect(p).toContain("7. Do not remove or reword PRD items, or rewrite git history");
  });
  it("parallel mode keeps its branch note, after the rules", () => {
    expect(buildPrompt({ ...base, branch: "agentmux/x/1-a" })).toMatch(
      /8\. You are in a git worktree/,
    );
  });
});
