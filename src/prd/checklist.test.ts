import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AgentmuxError } from "../util/errors.js";
import {
  diffTicks,
  findItem,
  parseChecklist,
  summarize,
  tick,
  type Checklist,
  type ChecklistItem,
} from "./checklist.js";

// Golden files: test/fixtures/prd/<name>.md -> <name>.json (the parsed
// Checklist), and ticked/<name>.md for the tick table. UPDATE_GOLDEN=1
// rewrites them from the current code; review the diff before keeping it.
const FIXTURES = fileURLToPath(new URL("../../test/fixtures/prd/", import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const fixtureNames = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".md"))
  .sort();
const load = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const corpus = fixtureNames.map((name) => [name, load(name)] as const);

function golden(rel: string, actual: string | Buffer): string | Buffer {
  const file = join(FIXTURES, rel);
  if (UPDATE) {
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, actual);
  }
  return typeof actual === "string" ? readFileSync(file, "utf8") : readFileSync(file);
}

/** Offsets of the bytes that differ between two equally long buffers. */
function differingOffsets(a: Buffer, b: Buffer): number[] {
  expect(b.length).toBe(a.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

describe("parseChecklist golden fixtures", () => {
  it("has a corpus to test", () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(15);
  });

  it.each(corpus)("%s", (name, bytes) => {
    const parsed = parseChecklist(bytes);
    const expected = golden(name.replace(/\.md$/, ".json"), `${JSON.stringify(parsed, null, 2)}\n`);
    expect(parsed).toEqual(JSON.parse(expected as string));
  });

  it.each(corpus)("%s: every boxOffset points between [ and ] in the raw bytes", (_name, bytes) => {
    for (const item of parseChecklist(bytes).items) {
      expect(bytes[item.boxOffset - 1]).toBe(0x5b); // [
      expect(bytes[item.boxOffset + 1]).toBe(0x5d); // ]
      const box = String.fromCharCode(bytes[item.boxOffset] ?? 0);
      expect(box).toBe(item.checked ? (box === "X" ? "X" : "x") : " ");
    }
  });
});

describe("parseChecklist details", () => {
  it.each([
    ["empty input", "", { items: 0, eol: "\n", bom: false }],
    ["only a BOM", "\uFEFF", { items: 0, eol: "\n", bom: true }],
    ["BOM then item", "\uFEFF- [ ] a\n", { items: 1, eol: "\n", bom: true }],
    ["CRLF detected from the first line", "x\r\n- [ ] a\n", { items: 1, eol: "\r\n", bom: false }],
    ["CR at end of file", "- [ ] a\r", { items: 1, eol: "\n", bom: false }],
    ["a BOM not at the start is text", "x\n\uFEFF- [ ] a\n", { items: 0, eol: "\n", bom: false }],
  ])("%s", (_label, input, want) => {
    const c = parseChecklist(input);
    expect({ items: c.items.length, eol: c.eol, bom: c.bom }).toEqual(want);
  });

  it("gives the same result for a string and its UTF-8 bytes", () => {
    const text = "\uFEFF# Ü\r\n- [ ] naïve 🚀\r\n  - [x] done\r\n";
    expect(parseChecklist(text)).toEqual(parseChecklist(Buffer.from(text, "utf8")));
  });

  it("counts BOM and multi-byte characters in boxOffset", () => {
    const c = parseChecklist("\uFEFFé🚀\n- [ ] a\n");
    // BOM 3 + é 2 + 🚀 4 + \n 1 + "- [" 3 = 13
    expect(c.items[0]?.boxOffset).toBe(13);
  });

  it("keeps the item text with inline markdown, first line only, trimmed", () => {
    const c = parseChecklist("- [ ]   **Bold** `code` [l](u)  \n  continuation line\n");
    expect(c.items.map((i) => i.text)).toEqual(["**Bold** `code` [l](u)"]);
  });

  it("handles a large file in one pass", () => {
    const big = "<!--\n" + "- [ ] hidden\n".repeat(50_000) + "-->\n- [ ] after\n";
    expect(parseChecklist(big).items.map((i) => i.key)).toEqual(["after#1"]);
  });
});

describe("keys", () => {
  it("numbers items with the same normalized text in order", () => {
    const c = parseChecklist(load("duplicates.md"));
    expect(c.items.map((i) => i.key)).toEqual([
      "Write tests#1",
      "Update docs#1",
      "Write tests#2",
      "Write tests#3", // whitespace runs collapse
      "Café menu#1",
      "Café menu#2", // NFD and NFC are the same text
      "write tests#1", // case is significant
    ]);
  });

  it.each(corpus)("%s: keys are unique", (_name, bytes) => {
    const keys = parseChecklist(bytes).items.map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(corpus)("%s: keys survive lines inserted above and between items", (_name, bytes) => {
    const before = parseChecklist(bytes);
    const head = before.bom ? 3 : 0;
    const added = Buffer.from(`# Inserted heading${before.eol}${before.eol}`, "utf8");
    const edited = Buffer.concat([bytes.subarray(0, head), added, bytes.subarray(head)]);
    const after = parseChecklist(edited);
    expect(after.items.map(identity)).toEqual(before.items.map(identity));
    after.items.forEach((item, i) => {
      expect(item.line).toBe((before.items[i]?.line ?? 0) + 2);
      expect(item.boxOffset).toBe((before.items[i]?.boxOffset ?? 0) + added.length);
    });
    for (const item of before.items) {
      const ticked = tick(edited, item, !item.checked);
      const moved = findItem(after, item.key);
      expect(differingOffsets(edited, ticked)).toEqual([moved?.boxOffset]);
    }
  });

  it("finds an item by key after a line is added between items", () => {
    const v1 = "- [ ] a\n- [ ] b\n- [ ] c\n";
    const v2 = "- [ ] a\n- [x] new item added by someone\n\nNotes\n- [ ] b\n- [ ] c\n";
    const b = findItem(parseChecklist(v1), "b#1");
    expect(b).toBeDefined();
    const out = tick(v2, b as ChecklistItem).toString("utf8");
    expect(out).toBe(v2.replace("- [ ] b", "- [x] b"));
  });
});

function identity(
  i: ChecklistItem,
): Pick<ChecklistItem, "index" | "key" | "text" | "checked" | "depth"> {
  return { index: i.index, key: i.key, text: i.text, checked: i.checked, depth: i.depth };
}

describe("tick", () => {
  // [fixture, key, checked]: the expected bytes are golden files in ticked/.
  it.each([
    ["crlf-bom.md", "Ship ünïcode 🚀 support#1", true],
    ["crlf-bom.md", "Trailing spaces#1", true],
    ["non-utf8.md", "Na\uFFFDv text#1", false],
    ["non-utf8.md", "After invalid bytes 😀#1", true],
    ["no-final-newline.md", "Last line has no newline#1", true],
    ["duplicates.md", "Write tests#2", false],
    ["duplicates.md", "Write tests#3", true],
    ["tabs.md", "Tab after the box#1", true],
    ["basic.md", "Write `POST /login` handler#1", false],
  ] as const)("%s %s -> %s", (name, key, checked) => {
    const bytes = load(name);
    const out = tick(bytes, key, checked);
    const slug = key.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
    const want = golden(join("ticked", `${name.replace(/\.md$/, "")}--${slug}.md`), out);
    expect(out.equals(want as Buffer)).toBe(true);
    expect(differingOffsets(bytes, out)).toHaveLength(1);
  });

  it.each(corpus)("%s: flipping any item changes exactly the byte at boxOffset", (_name, bytes) => {
    const before = parseChecklist(bytes);
    for (const item of before.items) {
      const out = tick(bytes, item.key, !item.checked);
      expect(differingOffsets(bytes, out)).toEqual([item.boxOffset]);
      expect(out[item.boxOffset]).toBe(item.checked ? 0x20 : 0x78);
      const after = parseChecklist(out);
      expect(
        after.items.map((i) => (i.key === item.key ? { ...i, checked: !i.checked } : i)),
      ).toEqual(before.items);
    }
  });

  it.each(corpus)(
    "%s: tick then untick (or untick then tick) restores the bytes",
    (_name, bytes) => {
      for (const item of parseChecklist(bytes).items) {
        const back = tick(tick(bytes, item.key, !item.checked), item.key, item.checked);
        if (bytes[item.boxOffset] === 0x58) {
          // An upper-case X comes back as lower-case x: the only byte that may differ.
          expect(differingOffsets(bytes, back)).toEqual([item.boxOffset]);
          expect(back[item.boxOffset]).toBe(0x78);
        } else {
          expect(back.equals(bytes)).toBe(true);
        }
      }
    },
  );

  it("returns an unchanged copy when the box is already in that state", () => {
    const bytes = Buffer.from("- [X] done\n- [ ] todo\n");
    const same = tick(bytes, "done#1", true);
    expect(same.equals(bytes)).toBe(true);
    expect(same).not.toBe(bytes);
    expect(tick(bytes, "todo#1", false).equals(bytes)).toBe(true);
  });

  it("does not mutate its input", () => {
    const bytes = Buffer.from("- [ ] a\n");
    tick(bytes, "a#1");
    expect(bytes.toString()).toBe("- [ ] a\n");
  });

  it("throws AgentmuxError(prd) for an unknown key", () => {
    const bytes = "- [ ] a\n```\n- [ ] hidden\n```\n";
    for (const key of ["b#1", "a#2", "a", "hidden#1"]) {
      expect(() => tick(bytes, key)).toThrow(AgentmuxError);
      try {
        tick(bytes, key);
      } catch (err) {
        expect((err as AgentmuxError).code).toBe("prd");
        expect((err as AgentmuxError).message).toContain(JSON.stringify(key));
        expect((err as AgentmuxError).hint).toBeTruthy();
      }
    }
  });
});

describe("diffTicks", () => {
  const keys = (items: ChecklistItem[]): string[] => items.map((i) => i.key);
  const diff = (a: string, b: string) => {
    const d = diffTicks(parseChecklist(a), parseChecklist(b));
    return {
      ticked: keys(d.ticked),
      unticked: keys(d.unticked),
      added: keys(d.added),
      removed: keys(d.removed),
    };
  };
  const none = { ticked: [], unticked: [], added: [], removed: [] };

  it.each([
    ["no change", "- [ ] a\n- [x] b\n", "- [ ] a\n- [x] b\n", none],
    ["lines moved around", "- [ ] a\n- [x] b\n", "# H\n\n- [x] b\n\n- [ ] a\n", none],
    ["one ticked", "- [ ] a\n- [ ] b\n", "- [ ] a\n- [X] b\n", { ...none, ticked: ["b#1"] }],
    ["one unticked", "- [x] a\n", "- [ ] a\n", { ...none, unticked: ["a#1"] }],
    [
      "text edited while ticking",
      "- [ ] add login\n",
      "- [x] add login (done)\n",
      { ...none, added: ["add login (done)#1"], removed: ["add login#1"] },
    ],
    [
      "box hidden in a comment",
      "- [ ] a\n- [ ] b\n",
      "- [ ] a\n<!--\n- [ ] b\n-->\n",
      { ...none, removed: ["b#1"] },
    ],
    [
      "duplicate texts match by occurrence",
      "- [ ] t\n- [ ] t\n",
      "- [ ] t\n- [x] t\n- [x] t\n",
      { ...none, ticked: ["t#2"], added: ["t#3"] },
    ],
  ])("%s", (_label, a, b, want) => {
    expect(diff(a, b)).toEqual(want);
  });

  it("reports items as they are after (ticked, added) or before (removed)", () => {
    const before = parseChecklist("- [ ] a\n- [ ] gone\n");
    const after = parseChecklist("# Title\n- [x] a\n- [x] new\n");
    const d = diffTicks(before, after);
    expect(d.ticked[0]?.line).toBe(1);
    expect(d.added[0]).toMatchObject({ key: "new#1", checked: true });
    expect(d.removed[0]).toMatchObject({ key: "gone#1", line: 1 });
  });
});

describe("summarize", () => {
  it.each([
    ["basic.md", { total: 5, checked: 2 }],
    ["realistic.md", { total: 6, checked: 2 }],
    ["empty.md", { total: 0, checked: 0 }],
  ])("%s", (name, want) => {
    const c: Checklist = parseChecklist(load(name));
    expect(summarize(c)).toEqual(want);
  });
});
