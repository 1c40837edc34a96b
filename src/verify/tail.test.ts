import { appendFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { readTail, tailOf } from "./tail.js";

const E = "\x1b";

describe("tailOf", () => {
  it.each([
    ["whole file, trailing blank lines dropped", "a\nb\n\n\n", false, 5, ["a", "b"]],
    ["last n lines", "1\n2\n3\n4\n", false, 2, ["3", "4"]],
    ["cut window drops its partial first line", "tial\nwhole\n", true, 5, ["whole"]],
    ["cut window without newline keeps the fragment", "only part", true, 5, ["only part"]],
    ["right-trims padding and strips ANSI", `${E}[32mok${E}[0m   \r\n`, false, 5, ["ok"]],
    ["keeps blank lines in the middle", "a\n\nb\n", false, 5, ["a", "", "b"]],
  ])("%s", (_name, text, cut, n, expected) => {
    expect(tailOf(Buffer.from(text), cut, n)).toEqual(expected);
  });

  it("drops a character cut at either end of the window", () => {
    const full = Buffer.from("é1\nmiddle\nend é", "utf8");
    // Start inside the first "é", end inside the last one.
    const window = full.subarray(1, full.length - 1);
    expect(tailOf(window, true, 5)).toEqual(["middle", "end"]);
    expect(tailOf(Buffer.from([0xa9, 0x41, 0x42]), true, 5)).toEqual(["AB"]);
  });
});

describe("readTail", () => {
  it("returns [] for a log that was never written", async () => {
    expect(await readTail(join(tempDir(), "missing.log"))).toEqual([]);
  });

  it("reads the last lines of a pane log with CR redraws", async () => {
    const log = join(tempDir(), "pane.log");
    const lines = Array.from({ length: 100 }, (_, i) => `${E}[2mline ${i}${E}[0m\r\n`);
    writeFileSync(log, lines.join("") + "progress 10%\rprogress 100%\r\n");
    expect(await readTail(log, 3)).toEqual(["line 98", "line 99", "progress 100%"]);
    expect(await readTail(log)).toHaveLength(20);
  });

  it("reads only the end of a 1 GB log", async () => {
    const log = join(tempDir(), "huge.log");
    writeFileSync(log, "");
    // Sparse: a gigabyte of NULs that costs no disk, then real output.
    truncateSync(log, 1024 * 1024 * 1024);
    appendFileSync(log, "\nalmost\ndone\n");
    expect(await readTail(log, 2)).toEqual(["almost", "done"]);
  });

  it("widens the window when long escape-heavy lines hold few newlines", async () => {
    const log = join(tempDir(), "tui.log");
    const noisy = `${E}[1;1H${E}[K`.repeat(3000); // ~24 KB of escapes per line
    writeFileSync(log, ["first", "second", "third"].map((l) => noisy + l + "\n").join(""));
    expect(await readTail(log, 3)).toEqual(["first", "second", "third"]);
  });
});
