import { describe, expect, it } from "vitest";
import { checkPrdTicks } from "./prd-ticks.js";

const prd = (boxes: string): Buffer =>
  Buffer.from(
    [
      "# Plan",
      `- [${boxes[0]}] Add a login page`,
      `- [${boxes[1]}] Write the signup form`,
      `- [${boxes[2]}] Send welcome emails`,
      "",
    ].join("\n"),
  );
const c = (sha: string, subject: string, files: string[]) => ({ sha, subject, files });

describe("checkPrdTicks", () => {
  it.each([
    {
      name: "ticks with no commits at all (ralphy marking failed tasks complete)",
      after: "xxx",
      commits: [],
      backed: [false, false, false],
    },
    {
      name: "commits that only touch the PRD or progress file are not work",
      after: "x  ",
      commits: [c("a1", "tick login page", ["PRD.md"]), c("a2", "progress", ["progress.txt"])],
      backed: [false],
    },
    {
      name: "a commit naming the item backs it",
      after: "x  ",
      commits: [c("a1", "feat: login page", ["src/login.ts", "PRD.md"])],
      backed: [true],
    },
    {
      name: "unnamed work commits back remaining ticks in order, one each",
      after: "xx ",
      commits: [c("a1", "wip", ["src/a.ts"])],
      backed: [true, false],
    },
    {
      name: "a named commit is not reused for another item",
      after: "xx ",
      commits: [c("a1", "login page", ["src/login.ts"])],
      backed: [true, false],
    },
  ])("$name", ({ after, commits, backed }) => {
    const r = checkPrdTicks({
      path: "PRD.md",
      before: prd("   "),
      after: prd(after),
      commits,
      bookkeeping: ["progress.txt"],
    });
    expect(r.ticks.map((t) => t.backed)).toEqual(backed);
    expect(r.unbacked).toEqual(r.ticks.filter((t) => !t.backed).map((t) => t.text));
    expect(r.total).toBe(3);
  });

  it("login/logout: one login commit backs the login tick only, and says why not the other", () => {
    const plan = (b: string): Buffer =>
      Buffer.from(`# Plan\n- [${b[0]}] Add login endpoint\n- [${b[1]}] Add logout endpoint\n`);
    const r = checkPrdTicks({
      path: "PRD.md",
      before: plan("  "),
      after: plan("xx"),
      commits: [c("a1", "Add login endpoint", ["login.js", "PRD.md"])],
    });
    expect(r.ticks).toEqual([
      { text: "Add login endpoint", commits: ["a1"], backed: true, how: "named" },
      expect.objectContaining({ text: "Add logout endpoint", backed: false, how: null }),
    ]);
    expect(r.ticks[1]?.why).toMatch(/belongs to another item/);
    expect(r.unbacked).toEqual(["Add logout endpoint"]);
  });

  it("items cut from the PRD are reported as removed", () => {
    const r = checkPrdTicks({
      path: "PRD.md",
      before: prd("   "),
      after: Buffer.from("# Plan\n- [x] Add a login page\n"),
      commits: [c("a1", "feat: login page", ["src/login.ts"])],
    });
    expect(r.unbacked).toEqual([]);
    expect(r.removed).toEqual(["Write the signup form", "Send welcome emails"]);
  });

  it("boxes ticked before the run are not the run's ticks", () => {
    const r = checkPrdTicks({ path: "PRD.md", before: prd("x  "), after: prd("x  "), commits: [] });
    expect(r.ticks).toEqual([]);
    expect(r.checked).toBe(1);
  });
});
