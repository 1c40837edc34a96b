import { describe, expect, it } from "vitest";
import { fitTable, terminalWidth, truncate, type Column } from "./layout.js";

const COLUMNS: Column[] = [
  { header: "NAME", min: 8 },
  { header: "AGENT", drop: 1 },
  { header: "STATE" },
  { header: "TIME", drop: 2 },
  { header: "NOTE", drop: 3, min: 10 },
];
const ROWS = [
  [
    "a-rather-long-session-name-here",
    "codex",
    "failed (exit 1)",
    "4m12s",
    "auth: codex is not logged in; run codex login",
  ],
  ["short", "claude", "running", "12s", ""],
];

describe("fitTable", () => {
  it.each<[string, number | null, string[]]>([
    [
      "everything, untruncated, without a limit",
      null,
      [
        "NAME                             AGENT   STATE            TIME   NOTE",
        "a-rather-long-session-name-here  codex   failed (exit 1)  4m12s  auth: codex is not logged in; run codex login",
        "short                            claude  running          12s",
      ],
    ],
    [
      "the note shrinks first",
      80,
      [
        "NAME                             AGENT   STATE            TIME   NOTE",
        "a-rather-long-session-name-here  codex   failed (exit 1)  4m12s  auth: codex is…",
        "short                            claude  running          12s",
      ],
    ],
    [
      "then the name shrinks",
      64,
      [
        "NAME                  AGENT   STATE            TIME   NOTE",
        "a-rather-long-sessi…  codex   failed (exit 1)  4m12s  auth: cod…",
        "short                 claude  running          12s",
      ],
    ],
    [
      "then the note is left out, and the name grows back",
      50,
      [
        "NAME                AGENT   STATE            TIME",
        "a-rather-long-ses…  codex   failed (exit 1)  4m12s",
        "short               claude  running          12s",
      ],
    ],
    [
      "then the next column by its drop order",
      30,
      ["NAME           STATE", "a-rather-lon…  failed (exit 1)", "short          running"],
    ],
    [
      "a tiny terminal: lines are cut, never wrapped",
      12,
      ["NAME      S…", "a-rathe…  f…", "short     r…"],
    ],
  ])("%s (width %s)", (_what, width, want) => {
    const lines = fitTable(COLUMNS, ROWS, width);
    expect(lines).toEqual(want);
    if (width !== null) for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
  });
});

describe("truncate", () => {
  it.each<[string, number, string]>([
    ["abc", 3, "abc"],
    ["abcd", 3, "ab…"],
    ["abcd", 1, "…"],
    ["abcd", 0, ""],
  ])("%s to %d -> %s", (text, width, want) => expect(truncate(text, width)).toBe(want));
});

describe("terminalWidth", () => {
  it.each<[{ isTTY?: boolean; columns?: number }, Record<string, string>, number]>([
    [{ isTTY: true, columns: 120 }, { COLUMNS: "60" }, 120],
    [{}, { COLUMNS: "60" }, 60],
    [{}, { COLUMNS: "wide" }, 80],
    [{}, {}, 80],
    [{ isTTY: true, columns: 0 }, {}, 80],
  ])("%j %j -> %d", (stdout, env, want) => expect(terminalWidth(stdout, env)).toBe(want));
});
