import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { AgentmuxError } from "../util/errors.js";
import { SCHEMA_VERSION } from "./migrations.js";
import { DB_FILE, openStore } from "./open.js";
import type { Store } from "./store.js";
import { testSpec } from "../../test/helpers/spec.js";

const openStores: Store[] = [];
afterEach(() => {
  for (const s of openStores.splice(0)) s.close();
});

function opened(dir: string): Store {
  const store = openStore(dir);
  openStores.push(store);
  return store;
}

function raw(path: string, fn: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    fn(db);
  } finally {
    db.close();
  }
}

function openError(dir: string): AgentmuxError {
  try {
    opened(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(AgentmuxError);
    return e as AgentmuxError;
  }
  throw new Error("openStore did not fail");
}

describe("openStore", () => {
  it("creates and migrates an empty store: tables, version, WAL, foreign keys", () => {
    const dir = tempDir();
    const store = opened(dir);
    expect(store.path).toBe(join(dir, DB_FILE));
    store.close();
    raw(store.path, (db) => {
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual([
        "governor",
        "host_live",
        "hosts",
        "iterations",
        "loop_items",
        "monitor_beat",
        "notifications",
        "notify_destinations",
        "remote_watches",
        "restart_claims",
        "run_acks",
        "runs",
        "session_errored",
        "sessions",
        "stall_samples",
        "stalls",
        "usage",
      ]);
      expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    });
  });

  it("sets the connection pragmas", () => {
    const store = opened(tempDir());
    // foreign_keys is per connection, so check its effects rather than a raw connection's setting.
    const s = store.createSession({ name: "a", kind: "agent", agent: "cmd", spec: testSpec() });
    const r = store.createRun(s.id, {
      state: "starting",
      runDir: "/r",
      logPath: "/l",
      startedAt: "2025-01-01T00:00:00.000Z",
    });
    store.addNotifications(r.id, [{ channel: "command", target: "true", payload: {} }]);
    store.purgeSession(s.id); // foreign_keys=ON: the cascade removes runs and notifications
    expect(store.getRun(r.id)).toBeNull();
    expect(store.listNotifications(r.id)).toEqual([]);
    expect(() =>
      store.createRun(999, { state: "starting", runDir: "", logPath: "", startedAt: "" }),
    ).toThrow(/No session with id 999/);
  });

  it("reopens idempotently, keeping data", () => {
    const dir = tempDir();
    const a = opened(dir);
    a.putGovernor("codex", { lastLaunchAt: "t", pausedUntil: null, pauseReason: null });
    a.createSession({ name: "keep", kind: "agent", agent: "cmd", spec: testSpec({ cwd: "/x" }) });
    a.close();
    const b = opened(dir);
    b.close();
    const c = opened(dir);
    expect(c.governor("codex")?.lastLaunchAt).toBe("t");
    expect(c.getSession("keep")?.spec).toEqual(testSpec({ cwd: "/x" }));
    raw(c.path, (db) => expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION));
  });

  it("creates the database 0600, and SQLite's -wal/-shm files follow it", () => {
    const dir = tempDir();
    const store = opened(dir);
    store.putGovernor("codex", { lastLaunchAt: "t", pausedUntil: null, pauseReason: null }); // make sure the WAL exists
    for (const suffix of ["", "-wal", "-shm"]) {
      const file = store.path + suffix;
      expect(existsSync(file), file).toBe(true);
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
  });

  it("reports a file that is not a database, with its path, and leaves it byte for byte", () => {
    const dir = tempDir();
    const path = join(dir, DB_FILE);
    const garbage = Buffer.alloc(8192);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256;
    writeFileSync(path, garbage, { mode: 0o600 });
    const err = openError(dir);
    expect(err.code).toBe("store");
    expect(err.message.startsWith(`${path} is not a readable agentmux database: `)).toBe(true);
    expect(err.hint).toMatch(/move it aside/);
    expect(readFileSync(path).equals(garbage)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it("reports a database whose pages are damaged, and leaves it byte for byte", () => {
    const dir = tempDir();
    const first = opened(dir);
    const s = first.createSession({
      name: "a",
      kind: "agent",
      agent: "cmd",
      spec: testSpec({ display: "x".repeat(20_000) }),
    });
    first.createRun(s.id, {
      state: "starting",
      runDir: "/r",
      logPath: "/l",
      startedAt: "2025-01-01T00:00:00.000Z",
    });
    first.close();
    const path = first.path;
    const bytes = readFileSync(path);
    // Keep the 100-byte header valid; overwrite the schema table on page 1 and everything after it.
    bytes.fill(0xa5, 100);
    writeFileSync(path, bytes);
    const err = openError(dir);
    expect(err.code).toBe("store");
    expect(err.message).toContain(`${path} is not a readable agentmux database: `);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it("reports a newer schema version, with its path, and leaves the file byte for byte", () => {
    const dir = tempDir();
    opened(dir).close();
    const path = join(dir, DB_FILE);
    raw(path, (db) => db.pragma("user_version = 999"));
    const before = readFileSync(path);
    const err = openError(dir);
    expect(err.code).toBe("store");
    expect(err.message).toBe(
      `${path} has schema version 999; this agentmux knows up to ${SCHEMA_VERSION}`,
    );
    expect(err.hint).toMatch(/upgrade agentmux/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("reports a newer version of a plain SQLite file in rollback mode without switching it to WAL", () => {
    const dir = tempDir();
    const path = join(dir, DB_FILE);
    raw(path, (db) => db.pragma("user_version = 999"));
    const before = readFileSync(path);
    expect(openError(dir).message).toContain("has schema version 999");
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it.each([
    ["another program's tables", (db: Database.Database) => db.exec("CREATE TABLE sessions (x)")],
    [
      "another program's application_id",
      (db: Database.Database) => db.pragma("application_id = 42"),
    ],
  ])("refuses a SQLite file with %s and leaves it alone", (_label, setup) => {
    const dir = tempDir();
    const path = join(dir, DB_FILE);
    raw(path, setup);
    const before = readFileSync(path);
    const err = openError(dir);
    expect(err.message).toContain(`${path} is not a readable agentmux database`);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("reports a directory in place of the database file", () => {
    const dir = tempDir();
    mkdirSync(join(dir, DB_FILE));
    const err = openError(dir);
    expect(err.code).toBe("store");
    expect(err.message).toContain(join(dir, DB_FILE));
  });

  it("opens an up-to-date store and reads while another process holds the write lock", () => {
    const dir = tempDir();
    opened(dir).close();
    const writer = new Database(join(dir, DB_FILE));
    writer.pragma("busy_timeout = 0");
    writer.exec("BEGIN IMMEDIATE");
    try {
      // Had opening needed the write lock, it would fail with SQLITE_BUSY after busy_timeout.
      const reader = opened(dir);
      expect(reader.listSessionsWithLatestRun()).toEqual([]);
    } finally {
      writer.exec("ROLLBACK");
      writer.close();
    }
  });

  it("sees another connection's committed writes (WAL)", () => {
    const dir = tempDir();
    const a = opened(dir);
    const b = opened(dir);
    a.putGovernor("codex", { lastLaunchAt: "seen", pausedUntil: null, pauseReason: null });
    const s = a.createSession({ name: "x", kind: "loop", agent: "codex", spec: testSpec() });
    expect(b.governor("codex")?.lastLaunchAt).toBe("seen");
    expect(b.getSession("x")?.id).toBe(s.id);
    b.updateSessionSpec(s.id, testSpec({ argv: ["a"] }));
    expect(a.getSessionById(s.id)?.spec).toEqual(testSpec({ argv: ["a"] }));
  });
});
