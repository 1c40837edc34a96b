import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { testSpec } from "../../test/helpers/spec.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { APPLICATION_ID, MIGRATIONS } from "./migrations.js";
import { DB_FILE, openStore } from "./open.js";
import type { Store } from "./store.js";

/**
 * Migration 7 moves what earlier versions kept as JSON in the key/value
 * `meta` table into tables of their own. A store written by such a version
 * (schema 6, built here with the shipped migrations and the exact JSON the
 * old code wrote) must come out with every record readable, nothing lost.
 */
const BEFORE = MIGRATIONS.findIndex((m) => m.includes("CREATE TABLE governor"));

const opened: Store[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function oldStore(meta: Record<string, string>, extraSql = ""): string {
  const dir = tempDir();
  const db = new Database(join(dir, DB_FILE));
  try {
    for (const m of MIGRATIONS.slice(0, BEFORE)) db.exec(m);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${BEFORE}`);
    const spec = JSON.stringify(testSpec({ socket: "/nonexistent/sock" }));
    for (const [id, name] of [
      [1, "a"],
      [2, "b"],
    ] as const) {
      db.prepare(
        "INSERT INTO sessions (id, name, kind, agent, spec, created_at) VALUES (?, ?, 'agent', 'cmd', ?, 't')",
      ).run(id, name, spec);
    }
    for (const [id, session, state] of [
      [10, 1, "killed"],
      [11, 1, "running"],
      [20, 2, "failed"],
    ] as const) {
      db.prepare(
        "INSERT INTO runs (id, session_id, run_no, state, run_dir, log_path, started_at) VALUES (?, ?, ?, ?, '/r', '/l', '2026-01-01T00:00:00.000Z')",
      ).run(id, session, id, state);
    }
    if (extraSql) db.exec(extraSql);
    const put = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    for (const [k, v] of Object.entries(meta)) put.run(k, v);
  } finally {
    db.close();
  }
  return dir;
}

function open(dir: string): Store {
  const s = openStore(dir);
  opened.push(s);
  return s;
}

describe("migration of the meta blobs", () => {
  it("moves every record the old code wrote into its table", () => {
    const sample = {
      at: 1_700_000_000_000,
      logMtimeMs: 1_699_999_999_000.5,
      screenHash: "abc",
      cpuTicks: 42,
      treeHash: null,
      progressAt: 1_699_999_000_000,
    };
    const store = open(
      oldStore({
        "governor:codex": JSON.stringify({
          lastLaunchAt: "2026-01-01T00:00:00.000Z",
          lastLaunchBy: "run:3",
          pausedUntil: "2026-01-01T01:00:00.000Z",
          pauseReason: "rate-limit hit by a",
        }),
        "governor:claude": JSON.stringify({
          lastLaunchAt: "2026-01-02T00:00:00.000Z",
          pausedUntil: null,
          pauseReason: null,
        }),
        "notify:destinations": JSON.stringify({ h1: "2026-01-01T00:00:30.000Z", h2: "x" }),
        "errored:1": JSON.stringify({
          errored: true,
          since: "2026-01-01T00:00:00.000Z",
          reason: "5 failures in 10 min",
          clearedAt: null,
        }),
        "errored:2": JSON.stringify({
          errored: false,
          since: "s",
          reason: "r",
          clearedAt: "2026-01-03T00:00:00.000Z",
        }),
        "ack:2": JSON.stringify({ runId: 20, at: "2026-01-04T00:00:00.000Z" }),
        "stallsample:11": JSON.stringify(sample),
        "stall:11": "2026-01-01T00:30:00.000Z",
        "stall:10": "2026-01-01T00:20:00.000Z",
        "restarted:10": "2026-01-01T00:40:00.000Z",
        "monitor:heartbeat": JSON.stringify({
          pid: 1234,
          ticks: "5678",
          startedAt: "2026-01-01T00:00:00.000Z",
          at: "2026-01-01T00:01:00.000Z",
          intervalMs: 30000,
          stopped: false,
        }),
      }),
    );
    expect(store.governor("codex")).toEqual({
      lastLaunchAt: "2026-01-01T00:00:00.000Z",
      lastLaunchBy: "run:3",
      pausedUntil: "2026-01-01T01:00:00.000Z",
      pauseReason: "rate-limit hit by a",
    });
    expect(store.governor("claude")).toEqual({
      lastLaunchAt: "2026-01-02T00:00:00.000Z",
      lastLaunchBy: null,
      pausedUntil: null,
      pauseReason: null,
    });
    expect([...store.governors().keys()].sort()).toEqual(["claude", "codex"]);
    expect(store.destinationOpenings()).toEqual(
      new Map([
        ["h1", "2026-01-01T00:00:30.000Z"],
        ["h2", "x"],
      ]),
    );
    expect(store.errored(1)).toEqual({
      errored: true,
      since: "2026-01-01T00:00:00.000Z",
      reason: "5 failures in 10 min",
      clearedAt: null,
    });
    expect(store.errored(2)).toEqual({
      errored: false,
      since: "s",
      reason: "r",
      clearedAt: "2026-01-03T00:00:00.000Z",
    });
    expect(store.erroredSessionIds()).toEqual(new Set([1]));
    expect(store.isAcked(20)).toBe(true);
    expect(store.isAcked(10)).toBe(false);
    expect(store.stallSample(11)).toEqual(sample);
    expect(store.stallSince(11)).toBe("2026-01-01T00:30:00.000Z");
    expect(store.stallSince(10)).toBe("2026-01-01T00:20:00.000Z");
    expect(store.runningStalls()).toEqual([
      { runId: 11, since: "2026-01-01T00:30:00.000Z", progressAt: sample.progressAt },
    ]);
    expect(store.restartClaimed(10)).toBe(true);
    expect(store.restartClaimed(11)).toBe(false);
    expect(store.monitorBeat()).toEqual({
      pid: 1234,
      ticks: "5678",
      startedAt: "2026-01-01T00:00:00.000Z",
      at: "2026-01-01T00:01:00.000Z",
      intervalMs: 30000,
      stopped: false,
    });
  });

  it("keeps an unreadable errored record errored, and leaves out what belonged to nothing", () => {
    const store = open(
      oldStore({
        "errored:1": "{oops",
        "errored:99": JSON.stringify({ errored: true, since: null, reason: "x", clearedAt: null }),
        "governor:codex": "not json",
        "ack:1": JSON.stringify({ runId: 20, at: "t" }), // run 20 is session 2's
        "ack:2": "{",
        "stallsample:11": "{",
        "stall:999": "2026-01-01T00:00:00.000Z",
        "restarted:999": "2026-01-01T00:00:00.000Z",
        "monitor:heartbeat": "[]",
        "notify:destinations": "[1]",
      }),
    );
    expect(store.errored(1)).toEqual({
      errored: true,
      since: null,
      reason: "unreadable errored record",
      clearedAt: null,
    });
    expect(store.errored(99)).toBeNull();
    expect(store.governor("codex")).toBeNull();
    expect(store.isAcked(20)).toBe(false);
    expect(store.stallSample(11)).toBeNull();
    expect(store.stallSince(999)).toBeNull();
    expect(store.restartClaimed(999)).toBe(false);
    expect(store.monitorBeat()).toBeNull();
    expect(store.destinationOpenings().size).toBe(0);
  });

  it("moves each host's last fleet count, and forgets those of hosts gone or unreadable", () => {
    const store = open(
      oldStore(
        {
          "fleet:live:h0": JSON.stringify({
            live: { codex: 2, claude: 1, bad: -1, odd: "x" },
            at: "T0",
          }),
          "fleet:live:h1": JSON.stringify({ live: {}, at: "T1" }),
          "fleet:live:h2": "{",
          "fleet:live:gone": JSON.stringify({ live: { codex: 1 }, at: "T" }),
        },
        `INSERT INTO hosts (name, dest, created_at) VALUES ('h0', 'a@h0', 't'), ('h1', 'h1', 't'), ('h2', 'h2', 't');`,
      ),
    );
    expect(store.hostLive("h0")).toEqual({ live: { codex: 2, claude: 1 }, at: "T0" });
    expect(store.hostLive("h1")).toEqual({ live: {}, at: "T1" });
    expect(store.hostLive("h2")).toBeNull();
    expect(store.hostLive("gone")).toBeNull();
    // Written afresh: the old numbers are replaced, a removed host keeps nothing.
    store.setHostLive("h0", { live: { codex: 1, none: 0 }, at: "T9" });
    expect(store.hostLive("h0")).toEqual({ live: { codex: 1 }, at: "T9" });
    store.removeHost("h0");
    store.setHostLive("h0", { live: { codex: 3 }, at: "T10" });
    expect(store.hostLive("h0")).toBeNull();
  });

  it("drops the key/value table once its records are moved", () => {
    const store = open(oldStore({}));
    const db = new Database(store.path, { readonly: true });
    try {
      const meta = db.prepare("SELECT name FROM sqlite_schema WHERE name = 'meta'").get();
      expect(meta).toBeUndefined();
    } finally {
      db.close();
    }
  });
});
