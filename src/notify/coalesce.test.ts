import { describe, expect, it } from "vitest";
import type { NotificationRow } from "../store/store.js";
import { combine, destinationKey, planOutbox } from "./coalesce.js";

let nextId = 1;
function row(channel: string, target: string, payload: object, runId = nextId): NotificationRow {
  return {
    id: nextId++,
    runId,
    channel,
    target,
    payload,
    state: "pending",
    attempts: 0,
    lastError: null,
    claimedBy: null,
    claimedAt: null,
    createdAt: "2025-06-01T12:00:00.000Z",
    deliveredAt: null,
    nextAttemptAt: null,
    retrySince: null,
  };
}
const summary = (name: string): string => `agentmux: ${name} succeeded (exit 0) after 3s`;
const openclaw = (name: string, target = "main"): NotificationRow =>
  row("command", "openclaw", {
    argv: ["openclaw", "system", "event", "--text", summary(name), "--to", target],
    text: summary(name),
  });
const hook = (name: string): NotificationRow =>
  row("webhook", "http://h/1", { body: { text: summary(name), event: { name } } });
const desk = (name: string): NotificationRow =>
  row("desktop", "notify-send", {
    title: `agentmux: ${name}`,
    text: summary(name),
    optional: true,
  });

describe("destinationKey", () => {
  it.each<[string, boolean, NotificationRow, NotificationRow]>([
    ["same command, different summaries", true, openclaw("a"), openclaw("b")],
    ["same program, another chat", false, openclaw("a", "main"), openclaw("b", "ops")],
    [
      "a template that names the session elsewhere",
      false,
      row("command", "n", { argv: ["n", "a", summary("a")], text: summary("a") }),
      row("command", "n", { argv: ["n", "b", summary("b")], text: summary("b") }),
    ],
    [
      "identical argv without a summary",
      true,
      row("command", "t", { argv: ["t", "x"] }),
      row("command", "t", { argv: ["t", "x"] }),
    ],
    ["same webhook URL", true, hook("a"), hook("b")],
    ["webhook vs command", false, hook("a"), openclaw("a")],
    ["desktop", true, desk("a"), desk("b")],
  ])("%s -> same destination: %s", (_what, same, a, b) => {
    expect(destinationKey(a) === destinationKey(b)).toBe(same);
  });
});

describe("combine", () => {
  it("sends a single row exactly as planned", () => {
    const r = openclaw("a");
    expect(combine([r])).toEqual({ channel: "command", target: "openclaw", payload: r.payload });
  });

  it("puts every summary, one per line, where the summary was in the command", () => {
    const c = combine([openclaw("a"), openclaw("b"), openclaw("c")]);
    const text = ["agentmux: 3 sessions ended", summary("a"), summary("b"), summary("c")].join(
      "\n",
    );
    expect(c.payload.argv).toEqual(["openclaw", "system", "event", "--text", text, "--to", "main"]);
  });

  it("a webhook gets the combined text and every event", () => {
    const c = combine([hook("a"), hook("b")]);
    expect(c.payload.body).toEqual({
      text: ["agentmux: 2 sessions ended", summary("a"), summary("b")].join("\n"),
      events: [{ name: "a" }, { name: "b" }],
      coalesced: 2,
    });
  });

  it("a desktop notice gets a headline title and the lines", () => {
    const c = combine([desk("a"), desk("b")]);
    expect(c.payload).toEqual({
      title: "agentmux: 2 sessions ended",
      text: `${summary("a")}\n${summary("b")}`,
    });
  });
});

describe("planOutbox", () => {
  const NOW = Date.parse("2025-06-01T12:00:30.000Z");
  const at = (sAgo: number): string => new Date(NOW - sAgo * 1000).toISOString();

  it("a destination waits out the backoff of a failed row, new rows with it", () => {
    const failed = { ...openclaw("a"), attempts: 2, nextAttemptAt: at(-10) };
    const plan = planOutbox([failed, openclaw("b")], () => null, NOW);
    expect(plan.send).toEqual([]);
    expect(plan.deferred).toEqual([
      expect.objectContaining({ ids: [failed.id, failed.id + 1], notBefore: at(-10) }),
    ]);
    const due = planOutbox([{ ...failed, nextAttemptAt: at(1) }], () => null, NOW);
    expect(due.send).toHaveLength(1);
  });

  it.each<[string, string | null, "send" | "defer", string | null]>([
    ["never sent: now", null, "send", null],
    ["sent 31 s ago: now", at(31), "send", null],
    ["sent 30 s ago: now", at(30), "send", null],
    ["sent 10 s ago: after the window", at(10), "defer", "2025-06-01T12:00:50.000Z"],
  ])("%s", (_what, last, action, notBefore) => {
    const plan = planOutbox([openclaw("a"), openclaw("b")], () => last, NOW);
    if (action === "send") {
      expect(plan.send).toHaveLength(1);
      expect(plan.send[0]!.rows).toHaveLength(2);
      expect(plan.deferred).toEqual([]);
    } else {
      expect(plan.send).toEqual([]);
      expect(plan.deferred).toHaveLength(1);
      expect(plan.deferred[0]!.notBefore).toBe(notBefore);
    }
  });

  it("destinations are independent", () => {
    const last = (key: string): string | null => (key.startsWith("webhook") ? at(5) : null);
    const plan = planOutbox([openclaw("a"), hook("a"), openclaw("b"), hook("b")], last, NOW);
    expect(plan.send.map((b) => b.rows.length)).toEqual([2]);
    expect(plan.deferred.map((d) => d.ids.length)).toEqual([2]);
  });

  it("a finisher takes only its own destinations, with everything pending for them", () => {
    const mine = openclaw("mine");
    const other = openclaw("other");
    const unrelated = hook("other");
    const plan = planOutbox([other, unrelated, mine], () => null, NOW, { runId: mine.runId! });
    expect(plan.send).toHaveLength(1);
    expect(plan.send[0]!.rows.map((r) => r.id)).toEqual([mine.id, other.id]);
  });

  it("window 0 sends everything at once", () => {
    const plan = planOutbox([openclaw("a")], () => at(0), NOW, { windowMs: 0 });
    expect(plan.send).toHaveLength(1);
  });
});
