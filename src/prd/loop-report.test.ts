import { describe, expect, it } from "vitest";
import type { ItemState, LoopItemRow } from "../store/store.js";
import type { LoopEnd } from "../rundir/loop-end.js";
import { isOpen, loopCounts, loopStatus } from "./item-status.js";
import { loopReport, progressText, unfinishedText } from "./loop-report.js";

let index = 0;
function item(text: string, state: ItemState, over: Partial<LoopItemRow> = {}): LoopItemRow {
  index++;
  return {
    sessionId: 1,
    key: `${text}#1`,
    text,
    index,
    present: true,
    state,
    attempts: state === "pending" ? 0 : 1,
    commits: state === "done" ? 1 : 0,
    checkPassed: null,
    reason: null,
    branch: null,
    updatedAt: "2025-06-01T12:00:00.000Z",
    ...over,
  };
}

describe("isOpen: will the loop work on the item (again)", () => {
  it.each<[ItemState, number, boolean]>([
    ["pending", 0, true],
    ["running", 1, false],
    ["done", 1, false],
    ["failed", 1, true],
    ["failed", 3, false],
    ["unverified", 2, true],
    ["unverified", 3, false],
    ["conflict", 1, false],
  ])("%s after %i attempt(s) of 3: %s", (state, attempts, open) => {
    expect(isOpen({ state, attempts }, 3)).toBe(open);
  });
});

describe("loopStatus and loopCounts count the same way", () => {
  it("leaves absent items out, and counts open ones as pending", () => {
    const items = [
      item("a", "done"),
      item("b", "failed", { attempts: 3, reason: "check failed" }),
      item("c", "failed", { attempts: 1 }),
      item("d", "running"),
      item("e", "pending"),
      item("gone", "pending", { present: false }),
    ];
    const status = loopStatus(items, 3, 6);
    expect(status).toMatchObject({
      total: 5,
      done: 1,
      failed: 1,
      pending: 3,
      iteration: 6,
      currentItem: "d",
    });
    expect(
      loopCounts(
        items.filter((i) => i.present),
        3,
      ),
    ).toEqual({ total: 5, done: 1, failed: 1, pending: 3 });
  });
});

describe("progressText and unfinishedText", () => {
  it.each([
    [1, 1, "1/1 item done"],
    [3, 4, "3/4 items done"],
    [0, 0, "0/0 items done"],
  ])("%i of %i: %s", (done, total, text) => {
    expect(progressText({ done, total })).toBe(text);
  });

  it("names at most three unfinished items, clipped, then how many more", () => {
    const items = [
      item("a", "failed", { reason: "x".repeat(150) }),
      item("b", "unverified"),
      item("c", "conflict"),
      item("d", "failed"),
      item("e", "done"),
      item("f", "pending"),
    ];
    const text = unfinishedText(loopStatus(items, 3, 5));
    expect(text).toBe(`"a" failed (${"x".repeat(99)}…); "b" unverified; "c" conflict; 1 more`);
  });
});

describe("loopReport: a loop run's diagnosis", () => {
  const done = [item("a", "done"), item("b", "done")];
  const partial = [item("a", "done"), item("b", "failed", { attempts: 3, reason: "tests fail" })];
  const end = (e: LoopEnd): LoopEnd => e;

  it.each<
    [
      string,
      LoopItemRow[],
      LoopEnd | null,
      boolean,
      { code: string; summary: string; fix?: string },
    ]
  >([
    [
      "the driver's own end record wins, with its fix",
      partial,
      end({ kind: "failed", detail: "an item failed 3 times", fix: "agentmux status <loop>" }),
      false,
      {
        code: "loop-failed",
        summary: 'an item failed 3 times; "b" failed (tests fail)',
        fix: "agentmux status <loop>",
      },
    ],
    [
      "done, from its end record: no fix to suggest",
      done,
      end({ kind: "done", detail: "every item is done" }),
      false,
      { code: "loop-done", summary: "every item is done" },
    ],
    [
      "no end record, killed: stopped",
      partial,
      null,
      true,
      {
        code: "loop-stopped",
        summary: 'the loop was stopped; "b" failed (tests fail)',
        fix: "agentmux status <loop> shows every item and why",
      },
    ],
    ["no end record, every item done: done", done, null, false, { code: "loop-done", summary: "" }],
    [
      "no end record, items left: lost",
      partial,
      null,
      false,
      {
        code: "loop-lost",
        summary: 'the loop driver ended without saying why; "b" failed (tests fail)',
        fix: "agentmux status <loop> shows every item and why",
      },
    ],
  ])("%s", (_, items, endRecord, killed, diagnosis) => {
    const report = loopReport(items, 3, 4, endRecord, killed);
    expect(report.diagnosis).toEqual(diagnosis);
    expect(report.progress).toBe(progressText(report.status));
    expect(report.status.iteration).toBe(4);
  });
});
