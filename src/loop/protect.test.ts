import { describe, expect, it } from "vitest";
import { countFell, packageScripts, protectedPaths, repoPath, tamperReason } from "./protect.js";

describe("protectedPaths: what the check depends on", () => {
  const tree = new Set(["check.sh", "scripts/test.sh", "app/run-tests.mjs", ".ci/run", "Makefile"]);
  it.each<[string, string | undefined, string, string[], string[]]>([
    ["a script by name", "sh check.sh", "", [], ["check.sh"]],
    ["./script", "./check.sh && npm run lint", "", [], ["check.sh"]],
    ["inside sh -c quotes", "sh -c 'bash scripts/test.sh --fast'", "", [], ["scripts/test.sh"]],
    ["relative to a sub-directory cwd", "node run-tests.mjs", "app", [], ["app/run-tests.mjs"]],
    ["up and out of the cwd", "sh ../check.sh", "app", [], ["check.sh"]],
    ["outside the tree is not ours", "sh ../../x.sh", "app", [], []],
    ["words that are no files", "echo '# tests 2'", "", [], []],
    ["no check", undefined, "", [], []],
    [
      "declared globs come after",
      "sh check.sh",
      "",
      ["test/**", "./spec/*.js"],
      ["check.sh", "test/**", "spec/*.js"],
    ],
    ["env assignments and options are skipped", "CI=1 sh -x check.sh", "", [], ["check.sh"]],
  ])("%s", (_name, check, cwdRel, globs, want) => {
    const got = protectedPaths({ check, cwdRel, globs, isFile: (p) => tree.has(p) });
    expect(got.map((p) => p.path)).toEqual(want);
    expect(got.filter((p) => p.glob).map((p) => p.path)).toEqual(
      want.filter((p) => p.includes("*")),
    );
  });

  it("follows the package.json script the check runs", () => {
    const got = protectedPaths({
      check: "npm test",
      scriptTexts: ["sh .ci/run"],
      cwdRel: "",
      globs: [],
      isFile: (p) => tree.has(p),
    });
    expect(got).toEqual([{ path: ".ci/run", glob: false }]);
  });
});

describe("packageScripts", () => {
  it.each<[string, string[]]>([
    ["npm test", ["test"]],
    ["npm t", ["test"]],
    ["npm run check", ["check"]],
    ["npm run -s test:unit", ["test:unit"]],
    ["pnpm run lint && pnpm test", ["lint", "test"]],
    ["yarn test", ["test"]],
    ["sh -c 'npm run build && npm test'", ["build", "test"]],
    ["npm ci && npm test", ["test"]],
    ["make test", []],
    ["sh check.sh", []],
  ])("%s -> %j", (command, want) => {
    expect(packageScripts(command)).toEqual(want);
  });
});

describe("repoPath", () => {
  it.each<[string, string, string | null]>([
    ["check.sh", "", "check.sh"],
    ["./a/../b.sh", "x", "x/b.sh"],
    ["/abs/path.sh", "", null],
    ["..", "", null],
  ])("%s from %j -> %s", (word, cwd, want) => {
    expect(repoPath(word, cwd)).toBe(want);
  });
});

describe("countFell", () => {
  it.each<[number | null, number | null, RegExp | null]>([
    [40, 1, /fell from 40 to 1/],
    [40, 39, null],
    [40, 20, null],
    [40, 19, /fell from 40 to 19/],
    [40, null, /no test count now/],
    [null, 1, null],
    [1, 0, null],
    [3, 1, /fell from 3 to 1/],
    [10, 50, null],
  ])("%s then %s", (prev, now, want) => {
    const r = countFell(prev, now);
    if (want === null) expect(r).toBeNull();
    else expect(r).toMatch(want);
  });
});

describe("tamperReason", () => {
  it("names the files and the script", () => {
    expect(tamperReason(["check.sh"], [])).toBe(
      "files the check depends on changed since the loop started: check.sh",
    );
    expect(tamperReason([], ["test"])).toMatch(/package.json script\(s\) "test"/);
    expect(tamperReason([], [])).toBeNull();
  });
});
