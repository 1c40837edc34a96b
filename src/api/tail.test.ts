import { describe, expect, it } from "vitest";
import { chunkEnd, linesOf } from "./tail.js";

describe("chunkEnd: where a byte-offset chunk may end", () => {
  it.each([
    { what: "after the last newline", text: "a\nb\nc", final: false, full: false, want: 4 },
    { what: "everything once the run is over", text: "a\nb\nc", final: true, full: false, want: 5 },
    {
      what: "nothing while the only line is partial",
      text: "abc",
      final: false,
      full: false,
      want: 0,
    },
    { what: "a whole chunk of one long line", text: "abcdef", final: false, full: true, want: 6 },
    {
      what: "a full chunk still ends after its last newline",
      text: "ab\ncd",
      final: true,
      full: true,
      want: 3,
    },
  ])("$what", ({ text, final, full, want }) => {
    expect(chunkEnd(Buffer.from(text), final, full)).toBe(want);
  });

  it("never splits a UTF-8 character inside one long line", () => {
    const bytes = Buffer.from("aé€😀", "utf8"); // 1 + 2 + 3 + 4 bytes
    for (let cut = 1; cut <= bytes.length; cut++) {
      const end = chunkEnd(bytes.subarray(0, cut), false, true);
      expect(bytes.subarray(0, end).toString("utf8")).not.toContain("\uFFFD");
      expect(end).toBeGreaterThan(0);
    }
  });

  it("linesOf strips terminal escapes and keeps empty lines in the middle", () => {
    expect(linesOf("\u001b[31mred\u001b[0m  \n\nend\n")).toEqual(["red", "", "end"]);
  });
});
