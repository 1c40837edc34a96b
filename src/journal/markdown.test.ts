import { describe, expect, it } from "vitest";
import { binaryToBuffer, rewriteEntry, upsertEntry, utf8ToBinary } from "./markdown.js";

const H = "## Active Long-Running Processes";
const M = "<!-- agentmux:k#1 -->";
const line = `- 🟢 new ${M}`;
const bin = (s: string): string => utf8ToBinary(s);
const text = (doc: string): string => binaryToBuffer(doc).toString("utf8");

describe("upsertEntry", () => {
  it.each<[string, string, string]>([
    ["empty file", "", `${H}\n\n${line}\n`],
    ["only blank lines", "\n\n", `\n\n${H}\n\n${line}\n`],
    ["ends with a blank line", "# a\n\n", `# a\n\n${H}\n\n${line}\n`],
    ["heading is the last line, no newline", `# a\n${H}`, `# a\n${H}\n${line}`],
    [
      "items then blank lines then next heading",
      `${H}\n- x\n\n\n## B\n`,
      `${H}\n- x\n${line}\n\n\n## B\n`,
    ],
    [
      "another entry's command mentions this marker",
      `${H}\n- \`${M}\` <!-- agentmux:o#2 -->\n`,
      `${H}\n- \`${M}\` <!-- agentmux:o#2 -->\n${line}\n`,
    ],
    [
      "an unclosed fence hides later headings",
      `\`\`\`\n${H}\n`,
      `\`\`\`\n${H}\n\n${H}\n\n${line}\n`,
    ],
  ])("%s", (_label, before, after) => {
    expect(text(upsertEntry(bin(before), line, M))).toBe(after);
  });
});

describe("rewriteEntry", () => {
  it("returns null when no line carries the marker", () => {
    expect(rewriteEntry(bin(`${H}\n- x\n`), M, () => "never")).toBeNull();
  });

  it("rewrites only the marked line, keeping its line end and the BOM", () => {
    const before = `\ufeff- old ${M}\r\n- other\r\n`;
    const after = rewriteEntry(bin(before), M, (old) => old.replace("old", "née"));
    expect(text(after ?? "")).toBe(`\ufeff- née ${M}\r\n- other\r\n`);
  });
});
