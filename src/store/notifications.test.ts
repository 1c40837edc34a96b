import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { openStore } from "./open.js";
import type { Store } from "./store.js";
import { testSpec } from "../../test/helpers/spec.js";

const openStores: Store[] = [];
afterEach(() => {
  for (const s of openStores.splice(0)) s.close();
});

function opened(dir = tempDir()): Store {
  const store = openStore(dir);
  openStores.push(store);
  return store;
}

function runIn(store: Store, name = "job"): number {
  const s = store.createSession({ name, kind: "agent", agent: "cmd", spec: testSpec() });
  return store.createRun(s.id, {
    state: "running",
    runDir: "/r",
    logPath: "/l",
    startedAt: "2025-06-01T10:00:00.000Z",
  }).id;
}

const item = (n: number) => ({
  channel: "command",
  target: "notify",
  payload: { argv: ["notify", String(n)] },
});
const STALE = 5 * 60_000;
const T = Date.parse("2025-06-01T12:00:00.000Z");

describe("notification outbox", () => {
  it("adds pending rows with parsed payloads", () => {
    const store = opened();
    const run = runIn(store);
    const added = store.addNotifications(run, [item(1), item(2)]);
    expect(added.map((n) => [n.state, n.attempts, n.payload])).toEqual([
      ["pending", 0, { argv: ["notify", "1"] }],
      ["pending", 0, { argv: ["notify", "2"] }],
    ]);
    expect(store.listNotifications(run)).toEqual(added);
    expect(store.addNotifications(run, [])).toEqual([]);
    expect(() => store.addNotifications(999, [item(3)])).toThrow("No run with id 999");
  });

  it("claims pending rows once, oldest first, recording the claimer", () => {
    const store = opened();
    const run = runIn(store);
    store.addNotifications(run, [item(1), item(2), item(3)]);
    const claimed = store.claimPending({ claimer: "pid:1", staleAfterMs: STALE, now: T });
    expect(claimed.map((n) => n.payload)).toEqual([1, 2, 3].map((n) => item(n).payload));
    for (const n of claimed) {
      expect(n).toMatchObject({
        state: "sending",
        claimedBy: "pid:1",
        claimedAt: new Date(T).toISOString(),
        attempts: 1,
      });
    }
    expect(store.claimPending({ claimer: "pid:2", staleAfterMs: STALE, now: T + 1000 })).toEqual(
      [],
    );
  });

  it("re-claims a sending row only once its claim is stale (the claimer crashed)", () => {
    const store = opened();
    store.addNotifications(runIn(store), [item(1)]);
    const [first] = store.claimPending({ claimer: "crashed", staleAfterMs: STALE, now: T });
    expect(store.claimPending({ claimer: "later", staleAfterMs: STALE, now: T + STALE })).toEqual(
      [],
    );
    const again = store.claimPending({ claimer: "later", staleAfterMs: STALE, now: T + STALE + 1 });
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ id: first?.id, claimedBy: "later", attempts: 2 });
  });

  it("markDelivered and markAttemptFailed settle a claimed row", () => {
    const store = opened();
    const run = runIn(store);
    const [a, b, c] = store.addNotifications(run, [item(1), item(2), item(3)]);
    store.claimPending({ claimer: "me", staleAfterMs: STALE, now: T });
    store.markDelivered(a!.id);
    store.markAttemptFailed(b!.id, "exit 1", { final: false });
    store.markAttemptFailed(c!.id, "HTTP 500", { final: true });
    const rows = store.listNotifications(run);
    expect(rows.map((n) => [n.state, n.lastError, n.claimedBy])).toEqual([
      ["delivered", null, "me"],
      ["pending", "exit 1", null],
      ["failed", "HTTP 500", null],
    ]);
    expect(rows[0]?.deliveredAt).toMatch(/Z$/);
    // Only the retryable one comes back.
    expect(store.claimPending({ claimer: "next", staleAfterMs: STALE }).map((n) => n.id)).toEqual([
      b!.id,
    ]);
  });

  it("a late failure report never undoes a delivery", () => {
    const store = opened();
    const [n] = store.addNotifications(runIn(store), [item(1)]);
    store.claimPending({ claimer: "slow", staleAfterMs: STALE, now: T });
    store.claimPending({ claimer: "fast", staleAfterMs: STALE, now: T + STALE + 1 });
    store.markDelivered(n!.id); // fast
    store.markAttemptFailed(n!.id, "timeout", { final: false }); // slow
    expect(store.listNotifications(n!.runId!)[0]?.state).toBe("delivered");
  });

  it("claims only one run's rows when asked, and honours a limit", () => {
    const store = opened();
    const r1 = runIn(store, "one");
    const r2 = runIn(store, "two");
    store.addNotifications(r1, [item(1), item(2)]);
    store.addNotifications(r2, [item(3)]);
    expect(
      store.claimPending({ claimer: "x", staleAfterMs: STALE, runId: r2 }).map((n) => n.runId),
    ).toEqual([r2]);
    expect(store.claimPending({ claimer: "x", staleAfterMs: STALE, limit: 1 })).toHaveLength(1);
    expect(store.listNotifications(r1).map((n) => n.state)).toEqual(["sending", "pending"]);
  });

  it("two connections claiming in turn never both get a row", () => {
    const dir = tempDir();
    const a = opened(dir);
    const b = opened(dir);
    const run = runIn(a);
    const ids = new Set<number>();
    const seen: number[] = [];
    for (let round = 0; round < 20; round++) {
      a.addNotifications(run, [item(round), item(round + 100)]);
      for (const claimer of round % 2 ? [a, b] : [b, a]) {
        for (const n of claimer.claimPending({
          claimer: claimer === a ? "a" : "b",
          staleAfterMs: STALE,
          limit: 1,
        })) {
          seen.push(n.id);
          ids.add(n.id);
        }
      }
    }
    expect(seen).toHaveLength(40);
    expect(ids.size).toBe(40);
    expect(a.listNotifications(run).every((n) => n.state === "sending" && n.attempts === 1)).toBe(
      true,
    );
  });

  it("a failed attempt waits for its next attempt; the bound makes it failed; notify retry reopens it", () => {
    const store = opened();
    const run = runIn(store);
    const [row] = store.addNotifications(run, [item(1)]);
    const id = row?.id ?? 0;
    store.claimPending({ claimer: "a", staleAfterMs: STALE, now: T });
    const next = new Date(T + 5000).toISOString();
    store.markAttemptFailed(id, "HTTP 500", { final: false, nextAttemptAt: next });
    expect(store.listNotifications(run)[0]).toMatchObject({
      state: "pending",
      lastError: "HTTP 500",
      nextAttemptAt: next,
    });
    // Not before its time, then once.
    expect(store.claimPending({ claimer: "b", staleAfterMs: STALE, now: T + 4999 })).toEqual([]);
    expect(store.claimPending({ claimer: "b", staleAfterMs: STALE, now: T + 5000 })).toHaveLength(
      1,
    );
    store.markAttemptFailed(id, "HTTP 500", { final: true });
    expect(store.listNotifications(run)[0]).toMatchObject({ state: "failed", nextAttemptAt: null });
    expect(store.failedNotifications()).toEqual([
      expect.objectContaining({ id, sessionName: "job", state: "failed" }),
    ]);
    expect(store.sessionNotifications(1).map((n) => n.state)).toEqual(["failed"]);
    const reopened = store.retryFailedNotifications(1, T + 10_000);
    expect(reopened).toEqual([
      expect.objectContaining({
        id,
        state: "pending",
        nextAttemptAt: null,
        retrySince: new Date(T + 10_000).toISOString(),
      }),
    ]);
    expect(store.failedNotifications()).toEqual([]);
    expect(store.retryFailedNotifications(1, T + 20_000)).toEqual([]);
  });
});
