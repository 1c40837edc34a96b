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
const settled = (key: string): LoopState["last"] => ({
  itemKey: key,
  itemText: key,
  stop: false,
  retry: false,
  diagnosis: null,
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
    [
      "circuit open: three items in a row without progress",
      { noProgress: { streak: 3, item: "c", items: ["a", "b", "c"] } },
      "end:paused",
    ],
    [
      "circuit shut: many iterations, but all on one item",
      { noProgress: { streak: 7, item: "a", items: ["a"] }, maxAttempts: 10 },
      "work",
      "a",
    ],
    [
      "circuit not yet open",
      { noProgress: { streak: 2, item: "b", items: ["a", "b"] } },
      "work",
      "a",
    ],
    [
      "all finished beats the circuit",
      {
        noProgress: { streak: 3, item: "a", items: ["a", "b", "c"] },
        items: [item("a", "failed", 3)],
      },
      "end:failed",
    ],
    [
      "an item left failed: the loop goes on by default",
      { items: [item("a", "failed", 3), item("b")], last: settled("a") },
      "work",
      "b",
    ],
    [
      "--stop-on-failure: an item left failed stops the loop",
      { items: [item("a", "failed", 3), item("b")], last: settled("a"), stopOnFailure: true },
      "end:failed",
    ],
    [
      "--stop-on-failure: an item unverified for good stops it too",
      { items: [item("a", "unverified", 3), item("b")], last: settled("a"), stopOnFailure: true },
      "end:failed",
    ],
    [
      "--stop-on-failure: a failure with attempts left is retried",
      { items: [item("a", "failed", 1), item("b")], last: settled("a"), stopOnFailure: true },
      "work",
      "a",
    ],
    [
      "--stop-on-failure: an item failed by an earlier run does not stop a restart",
      { items: [item("a", "failed", 3), item("b")], last: null, stopOnFailure: true },
      "work",
      "b",
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
    const paused = nextStep(
      base({
        noProgress: { streak: 3, item: "Add the parser", items: ["a", "b", "Add the parser"] },
      }),
    );
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
  it.each<[string, number, boolean | null, string, number, string[]]>([
    ["progress resets", 2, true, "b", 0, []],
    ["no progress on a new item adds it", 2, false, "b", 3, ["a", "b"]],
    ["no progress on the same item adds an iteration, not an item", 2, false, "a", 3, ["a"]],
    ["a wait leaves it", 2, null, "b", 2, ["a"]],
  ])("%s", (_name, streak, progress, text, want, items) => {
    const next = nextNoProgress({ streak, item: "a", items: ["a"] }, progress, text);
    expect(next.streak).toBe(want);
    expect(next.items).toEqual(items);
  });
});

/**
 * The attempts rule against the circuit breaker: a serial loop played out on
 * the policy alone, every iteration making no progress (or, for listed items,
 * succeeding). Returns how many iterations each item got and how the loop ended.
 */
function playOut(opts: {
  items: number;
  attempts: number;
  noProgressLimit?: number;
  stopOnFailure?: boolean;
  succeeds?: readonly string[];
}): { tries: Record<string, number>; end: string } {
  const items = Array.from({ length: opts.items }, (_, k) => item(String.fromCharCode(97 + k)));
  let state = base({
    items,
    maxAttempts: opts.attempts,
    maxIterations: 1000,
    noProgressLimit: opts.noProgressLimit ?? 3,
    ...(opts.stopOnFailure ? { stopOnFailure: true } : {}),
  });
  const tries: Record<string, number> = {};
  for (let guard = 0; guard < 1000; guard++) {
    const step = nextStep(state);
    if (step.do === "end") return { tries, end: step.end.kind };
    if (step.do !== "work") throw new Error(`unexpected step ${step.do}`);
    const key = step.item.key;
    tries[key] = (tries[key] ?? 0) + 1;
    const ok = opts.succeeds?.includes(key) ?? false;
    state = {
      ...state,
      iterations: state.iterations + 1,
      items: state.items.map((i) =>
        i.key === key ? { ...i, attempts: i.attempts + 1, state: ok ? "done" : "failed" } : i,
      ),
      noProgress: nextNoProgress(state.noProgress, ok, step.item.text),
      last: settled(key),
    };
  }
  throw new Error("the loop never ended");
}

describe("the attempts rule and the no-progress circuit, together", () => {
  it.each<[string, Parameters<typeof playOut>[0], Record<string, number>, string]>([
    ["--attempts 5 really allows 5", { items: 1, attempts: 5 }, { a: 5 }, "failed"],
    ["--attempts 3, one item", { items: 1, attempts: 3 }, { a: 3 }, "failed"],
    [
      "a failing first item does not starve the later ones",
      { items: 2, attempts: 5, succeeds: ["b"] },
      { a: 5, b: 1 },
      "failed",
    ],
    [
      "three items in a row without progress pause the loop",
      { items: 4, attempts: 2 },
      { a: 2, b: 2, c: 1 },
      "paused",
    ],
    [
      "progress in between resets the circuit",
      { items: 5, attempts: 2, succeeds: ["c"] },
      { a: 2, b: 2, c: 1, d: 2, e: 2 },
      "failed",
    ],
    [
      "--stop-on-failure stops at the first item left failed",
      { items: 3, attempts: 4, stopOnFailure: true },
      { a: 4 },
      "failed",
    ],
    [
      "a circuit of 1 pauses after the first item's first failure",
      { items: 2, attempts: 5, noProgressLimit: 1 },
      { a: 1 },
      "paused",
    ],
  ])("%s", (_name, opts, tries, end) => {
    expect(playOut(opts)).toEqual({ tries, end });
  });
});
