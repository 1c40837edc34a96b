import { describe, expect, it } from "vitest";
import { checkPrdTicks, names } from "./prd-ticks.js";

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

describe("names", () => {
  it.each([
    ["feat: login page", "Add a login page", true],
    ["add signup form validation", "Write the signup form", true],
    ["chore: bump deps", "Add a login page", false],
    ["", "Add a login page", false],
  ])("%j names %j: %s", (subject, item, expected) => {
    expect(names(subject, item)).toBe(expected);
  });
});

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

  it("boxes ticked before the run are not the run's ticks", () => {
    const r = checkPrdTicks({ path: "PRD.md", before: prd("x  "), after: prd("x  "), commits: [] });
    expect(r.ticks).toEqual([]);
    expect(r.checked).toBe(1);
  });
});
