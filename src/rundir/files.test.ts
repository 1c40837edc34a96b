import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RUN_FILES } from "./files.js";

const runnerPl = readFileSync(
  fileURLToPath(new URL("../../runner/runner.pl", import.meta.url)),
  "utf8",
);
/** Every "$dir/NAME" in runner.pl's code (comments removed). */
const namesInRunner = new Set(
  [
    ...runnerPl
      .split("\n")
      .filter((l) => !/^\s*#/.test(l))
      .join("\n")
      .matchAll(/"\$dir\/([^"$]+)"/g),
  ].map((m) => m[1] as string),
);

describe("the run directory protocol", () => {
  it("finds the files runner.pl uses (the parse works)", () => {
    expect(namesInRunner.size).toBeGreaterThanOrEqual(8);
    expect(namesInRunner).toContain("exit");
  });

  it("lists every file runner.pl reads or writes", () => {
    const listed = Object.keys(RUN_FILES);
    for (const name of namesInRunner) expect(listed, `runner.pl uses "${name}"`).toContain(name);
  });

  it("says runner.pl uses exactly the files runner.pl uses", () => {
    const claimed = Object.entries(RUN_FILES)
      .filter(([, f]) => `${f.writer} ${f.reader}`.includes("runner.pl"))
      .map(([name]) => name)
      .sort();
    expect(claimed).toEqual([...namesInRunner].sort());
  });

  it("runner.pl's header points at the list", () => {
    expect(runnerPl.slice(0, 2000)).toContain("src/rundir/files.ts");
  });
});
