import { describe, expect, it } from "vitest";
import { parseStatusV2 } from "./status.js";

const OID = "a".repeat(40);
const Z = "0".repeat(40);
const entry1 = (xy: string, path: string): string =>
  `1 ${xy} N... 100644 100644 100644 ${OID} ${OID} ${path}`;

describe("parseStatusV2", () => {
  it.each([
    ["empty output", "", { head: null, branch: null, files: [] }],
    [
      "unborn branch",
      "# branch.oid (initial)\0# branch.head main\0? a.txt\0",
      { head: null, branch: "main", files: ["a.txt"] },
    ],
    [
      "detached HEAD",
      `# branch.oid ${OID}\0# branch.head (detached)\0`,
      { head: OID, branch: null, files: [] },
    ],
    [
      "upstream headers are skipped",
      `# branch.oid ${OID}\0# branch.head dev\0# branch.upstream origin/dev\0# branch.ab +1 -0\0`,
      { head: OID, branch: "dev", files: [] },
    ],
    [
      "paths with spaces, newlines and unicode",
      `${entry1(".M", "a b.txt")}\0${entry1("A.", "new\nline")}\0? dir/ü 文件\0`,
      { head: null, branch: null, files: ["a b.txt", "dir/ü 文件", "new\nline"] },
    ],
    [
      "rename entry reports both paths",
      `2 R. N... 100644 100644 100644 ${OID} ${OID} R100 new name\0old name\0? z\0`,
      { head: null, branch: null, files: ["new name", "old name", "z"] },
    ],
    [
      "unmerged entry",
      `u UU N... 100644 100644 100644 100644 ${OID} ${OID} ${OID} conflict me.txt\0`,
      { head: null, branch: null, files: ["conflict me.txt"] },
    ],
    [
      "deleted and ignored entries",
      `1 D. N... 100644 000000 000000 ${OID} ${Z} gone\0! ignored.log\0`,
      { head: null, branch: null, files: ["gone", "ignored.log"] },
    ],
    [
      "unknown entry types are skipped",
      `x something new\0${entry1(".M", "kept")}\0`,
      { head: null, branch: null, files: ["kept"] },
    ],
    [
      "duplicates collapse, result is sorted",
      `? b\0${entry1(".M", "a")}\0? b\0`,
      { head: null, branch: null, files: ["a", "b"] },
    ],
  ])("%s", (_name, out, expected) => {
    expect(parseStatusV2(out)).toEqual(expected);
  });
});
