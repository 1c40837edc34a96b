import { describe, expect, it } from "vitest";
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  nextNoProgress,
  nextStep,
  rateLimitWaitMs,
  RESET_MARGIN_MS,
  type LoopState,
  type PolicyItem,
} from "./policy.js";

const NOW = Date.parse("2026-01-29T12:00:00Z");
const item = (key: string, state: PolicyItem["state"] = "pending", attempts = 0): PolicyItem => ({
  key,
  text: key,
  state,
  attempts,
  present: true,
});
const base = (over: Partial<LoopState> = {}): LoopState => ({
  items: [item("a"), item("b")],
  maxAttempts: 3,
  iterations: 0,
  maxIterations: 50,
  now: NOW,
  deadline: null,
  stopRequested: null,
  noProgress: { streak: 0, item: null },
  noProgressLimit: 3,
  rateLimitWaits: 0,
  last: null,
  ...over,
});
const limited = (diagnosis: NonNullable<LoopState["last"]>["diagnosis"]): LoopState["last"] => ({
  itemKey: "a",
  itemText: "a",
  stop: false,
  retry: true,
  diagnosis,
});

describe("nextStep", () => {
  it.each<[string, Partial<LoopState>, string, string?]>([
    ["first item", {}, "work", "a"],
    [
      "a failed item with attempts left is retried first",
      { items: [item("a", "failed", 1), item("b")] },
      "work",
      "a",
    ],
    [
      "a failed item out of attempts is skipped",
      { items: [item("a", "failed", 3), item("b")] },
      "work",
      "b",
    ],
    [
      "an unverified item is retried",
      { items: [item("a", "unverified", 2), item("b")] },
      "work",
      "a",
    ],
    [
      "an absent item is ignored",
      { items: [{ ...item("a"), present: false }, item("b")] },
      "work",
      "b",
    ],
    ["everything done", { items: [item("a", "done", 1), item("b", "done", 1)] }, "end:done"],
    ["done and failed", { items: [item("a", "done", 1), item("b", "failed", 3)] }, "end:failed"],
    [
      "unverified for good",
      { items: [item("a", "done", 1), item("b", "unverified", 3)] },
      "end:failed",
    ],
    [
      "a stop request wins over everything",
      { stopRequested: "SIGTERM", items: [item("a", "done")] },
      "end:stopped",
    ],
    ["the time limit's stop", { stopRequested: "timeout" }, "end:timeout"],
    ["deadline passed", { deadline: NOW - 1 }, "end:timeout"],
    ["deadline ahead", { deadline: NOW + 1 }, "work", "a"],
    ["iteration budget used", { iterations: 50 }, "end:max-iterations"],
    ["all done beats the budget", { iterations: 50, items: [item("a", "done")] }, "end:done"],
    ["circuit open", { noProgress: { streak: 3, item: "a" } }, "end:paused"],
    ["circuit not yet open", { noProgress: { streak: 2, item: "a" } }, "work", "a"],
    [
      "all finished beats the circuit",
      { noProgress: { streak: 3, item: "a" }, items: [item("a", "failed", 3)] },
      "end:failed",
    ],
    [
      "auth failure",
      {
        last: {
          itemKey: "a",
          itemText: "a",
          stop: true,
          retry: false,
          diagnosis: { summary: "bad key", fix: "codex login" },
        },
      },
      "end:auth",
    ],
    ["rate limit: wait for the same item", { last: limited(null) }, "wait", "a"],
    ["parallel: skip busy items", { busy: new Set(["a"]) }, "work", "b"],
    ["parallel: everything open is busy", { busy: new Set(["a", "b"]) }, "idle"],
    [
      "a running item is open: not finished",
      { items: [item("a", "running"), item("b", "done")], busy: new Set(["a"]) },
      "idle",
    ],
  ])("%s", (_name, over, want, key) => {
    const step = nextStep(base(over));
    const got = step.do === "end" ? `end:${step.end.kind}` : step.do;
    expect(got).toBe(want);
    if (key !== undefined && (step.do === "work" || step.do === "wait"))
      expect(step.item.key).toBe(key);
  });

  it("names the item when the circuit opens, and the fix on auth", () => {
    const paused = nextStep(base({ noProgress: { streak: 3, item: "Add the parser" } }));
    expect(paused.do === "end" && paused.end.detail).toMatch(/"Add the parser"/);
    const auth = nextStep(
      base({
        last: {
          itemKey: "a",
          itemText: "a",
          stop: true,
          retry: false,
          diagnosis: { summary: "bad key", fix: "codex login" },
        },
      }),
    );
    expect(auth.do === "end" && auth.end.fix).toBe("codex login");
  });

  it("never waits past the loop's deadline", () => {
    const step = nextStep(
      base({ deadline: NOW + 5_000, last: limited({ summary: "x", retryAfterMs: 60_000 }) }),
    );
    expect(step).toMatchObject({ do: "wait", ms: 5_000 });
  });
});

describe("rateLimitWaitMs", () => {
  it.each<[string, NonNullable<LoopState["last"]>["diagnosis"], number, number]>([
    [
      "the printed reset time",
      { summary: "x", resetAt: new Date(NOW + 90_000).toISOString() },
      0,
      90_000 + RESET_MARGIN_MS,
    ],
    [
      "a reset time in the past falls back to retry-after",
      { summary: "x", resetAt: new Date(NOW - 1).toISOString(), retryAfterMs: 2_000 },
      0,
      2_000 + RESET_MARGIN_MS,
    ],
    ["retry-after", { summary: "x", retryAfterMs: 1_000 }, 0, 1_000 + RESET_MARGIN_MS],
    ["no time: backoff from the base", null, 0, BACKOFF_BASE_MS],
    ["backoff doubles", { summary: "x" }, 2, BACKOFF_BASE_MS * 4],
    ["backoff is capped", null, 20, BACKOFF_MAX_MS],
  ])("%s", (_name, d, waits, want) => {
    expect(rateLimitWaitMs(d, NOW, waits).ms).toBe(want);
  });
});

describe("nextNoProgress", () => {
  it.each<[string, number, boolean | null, number]>([
    ["progress resets", 2, true, 0],
    ["no progress adds one", 2, false, 3],
    ["a wait leaves it", 2, null, 2],
  ])("%s", (_name, streak, progress, want) => {
    expect(nextNoProgress({ streak, item: "a" }, progress, "b").streak).toBe(want);
  });
});
