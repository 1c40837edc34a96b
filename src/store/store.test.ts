import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import type { RunState } from "../sessions/lifecycle.js";
import type { Evidence } from "../verify/types.js";
import { AgentmuxError } from "../util/errors.js";
import { DB_FILE, openStore } from "./open.js";
import type { NewRun, Store } from "./store.js";
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

const T0 = "2025-06-01T10:00:00.000Z";
const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  state: "starting",
  runDir: "/state/runs/x",
  logPath: "/state/runs/x/output.log",
  startedAt: T0,
  ...over,
});

function session(store: Store, name = "login"): number {
  return store.createSession({
    name,
    kind: "agent",
    agent: "codex",
    spec: testSpec({ agent: "codex", cwd: "/app", argv: ["codex"] }),
  }).id;
}

describe("sessions", () => {
  it("round-trips a session with its JSON spec and ISO time", () => {
    const store = opened();
    const s = store.createSession({
      name: "a",
      kind: "loop",
      agent: "claude",
      spec: testSpec({ agent: "claude", cwd: "/w", argv: ["claude", "-p"] }),
    });
    expect(s).toEqual({
      id: s.id,
      name: "a",
      kind: "loop",
      agent: "claude",
      spec: testSpec({ agent: "claude", cwd: "/w", argv: ["claude", "-p"] }),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      removedAt: null,
    });
    expect(store.getSession("a")).toEqual(s);
    expect(store.getSessionById(s.id)).toEqual(s);
    expect(store.getSession("nope")).toBeNull();
    expect(store.getSessionById(12345)).toBeNull();
  });

  it("refuses a second live session of one name, and frees the name after markRemoved", () => {
    const store = opened();
    const first = session(store, "dup");
    let err: unknown;
    try {
      session(store, "dup");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AgentmuxError);
    expect((err as AgentmuxError).code).toBe("exists");
    expect((err as AgentmuxError).message).toBe('A session named "dup" already exists');

    store.markRemoved(first);
    store.markRemoved(first); // idempotent: removed_at keeps its first value
    expect(store.getSession("dup")).toBeNull();
    const second = session(store, "dup");
    expect(second).not.toBe(first);
    expect(store.getSession("dup")?.id).toBe(second);
    // History is kept: both records, the old one marked removed.
    const all = store.listSessions({ includeRemoved: true });
    expect(all.map((s) => [s.id, s.removedAt === null])).toEqual([
      [first, false],
      [second, true],
    ]);
    expect(store.listSessions().map((s) => s.id)).toEqual([second]);
    // Removing the second too: two removed records of one name may coexist.
    store.markRemoved(second);
    expect(store.listSessions()).toEqual([]);
  });

  it("purgeSession deletes the session with its runs and notifications", () => {
    const store = opened();
    const id = session(store);
    const run = store.createRun(id, newRun());
    store.addNotifications(run.id, [{ channel: "webhook", target: "http://x", payload: { a: 1 } }]);
    store.purgeSession(id);
    expect(store.getSessionById(id)).toBeNull();
    expect(store.listRuns(id)).toEqual([]);
    expect(store.listNotifications(run.id)).toEqual([]);
  });

  it("checks the stored spec as it reads it: a bad one is an error naming the session", () => {
    const dir = tempDir();
    const store = opened(dir);
    store.createSession({ name: "bad", kind: "agent", agent: "cmd", spec: testSpec() });
    const db = new Database(join(dir, DB_FILE));
    try {
      db.prepare("UPDATE sessions SET spec = ? WHERE name = ?").run('{"agent":"cmd"}', "bad");
    } finally {
      db.close();
    }
    expect(() => store.getSession("bad")).toThrow(
      'The stored spec of session "bad" does not fit: cwd is missing',
    );
  });

  it("updateSessionSpec replaces the spec, and names a missing session", () => {
    const store = opened();
    const id = session(store);
    store.updateSessionSpec(id, testSpec({ argv: ["new"] }));
    expect(store.getSessionById(id)?.spec).toEqual(testSpec({ argv: ["new"] }));
    expect(() => store.updateSessionSpec(999, testSpec())).toThrow("No session with id 999");
  });
});

describe("runs", () => {
  it("allocates run_no per session: previous max + 1", () => {
    const store = opened();
    const a = session(store, "a");
    const b = session(store, "b");
    expect(store.latestRun(a)).toBeNull();
    const nos = [a, a, b, a, b].map((s) => store.createRun(s, newRun()).runNo);
    expect(nos).toEqual([1, 2, 1, 3, 2]);
    expect(store.listRuns(a).map((r) => r.runNo)).toEqual([1, 2, 3]);
    expect(store.latestRun(a)?.runNo).toBe(3);
    expect(store.latestRun(b)?.runNo).toBe(2);
  });

  it("allocates distinct run numbers from two connections", () => {
    const dir = tempDir();
    const one = opened(dir);
    const two = opened(dir);
    const id = session(one);
    const nos = [one, two, two, one].map((s) => s.createRun(id, newRun()).runNo);
    expect(nos).toEqual([1, 2, 3, 4]);
  });

  it("createRun writes extra fields with the row", () => {
    const store = opened();
    const run = store.createRun(
      session(store),
      newRun({ startCommit: "abc123", killRequested: true }),
    );
    expect(run).toMatchObject({
      startCommit: "abc123",
      killRequested: true,
      state: "starting",
      startedAt: T0,
    });
  });

  it("updateRun writes a patch and round-trips JSON and boolean columns", () => {
    const store = opened();
    const run = store.createRun(session(store), newRun());
    const evidence: Evidence = {
      isRepo: true,
      startCommit: "a",
      headCommit: "b",
      commits: [{ sha: "b", subject: "fix" }],
      filesChanged: ["x.ts"],
      uncommitted: [],
      tail: ["done"],
    };
    const updated = store.updateRun(run.id, {
      runnerPid: 10,
      runnerStart: "123",
      agentPid: 11,
      agentStart: "124",
      tmuxSessionId: "$3",
      killRequested: true,
      evidence,
      verdict: "verified",
      diagnosis: { code: "success", summary: "ok" },
      journalFile: "/notes/2025-06-01.md",
    });
    expect(updated).toMatchObject({
      runnerPid: 10,
      agentPid: 11,
      tmuxSessionId: "$3",
      killRequested: true,
      evidence,
      verdict: "verified",
      diagnosis: { code: "success", summary: "ok" },
      journalFile: "/notes/2025-06-01.md",
      state: "starting",
    });
    expect(store.getRun(run.id)).toEqual(updated);
    expect(store.updateRun(run.id, {})).toEqual(updated);
    // Undefined means "not in the patch", so conditional spreads work.
    expect(store.updateRun(run.id, { exitCode: undefined, verdict: undefined })).toEqual(updated);
    expect(store.updateRun(run.id, { evidence: null, killRequested: false })).toMatchObject({
      evidence: null,
      killRequested: false,
    });
  });

  it.each([["state"], ["id"], ["runNo"], ["sessionId"], ["bogus"]])(
    "updateRun refuses to write %s (state goes through transitions)",
    (key) => {
      const store = opened();
      const run = store.createRun(session(store), newRun());
      expect(() => store.updateRun(run.id, { [key]: 1 })).toThrow(/Expected a patchable run field/);
      expect(store.getRun(run.id)).toEqual(run);
    },
  );

  it("names a missing run", () => {
    const store = opened();
    expect(store.getRun(42)).toBeNull();
    expect(() => store.updateRun(42, { exitCode: 1 })).toThrow("No run with id 42");
    expect(() => store.transitionRun(42, "running")).toThrow("No run with id 42");
    expect(() => store.trySettle(42, "failed")).toThrow("No run with id 42");
  });

  it.each<[RunState[], RunState]>([
    [["starting"], "running"],
    [["starting", "running"], "succeeded"],
    [["starting", "running"], "lost"],
    [["starting", "running", "lost"], "failed"],
    [["starting"], "killed"],
  ])("transitionRun %j -> %s writes state and patch", (path, to) => {
    const store = opened();
    const run = store.createRun(session(store), newRun());
    for (const step of path.slice(1)) store.transitionRun(run.id, step);
    const after = store.transitionRun(run.id, to, { exitCode: 3, endedAt: T0 });
    expect(after).toMatchObject({ state: to, exitCode: 3, endedAt: T0 });
    expect(store.getRun(run.id)).toEqual(after);
  });

  it.each<[RunState[], RunState]>([
    [["starting", "running", "succeeded"], "failed"],
    [["starting", "running"], "starting"],
    [["starting", "killed"], "running"],
    [["starting", "lost"], "running"],
  ])("transitionRun %j -> %s throws and writes nothing", (path, to) => {
    const store = opened();
    const run = store.createRun(session(store), newRun());
    for (const step of path.slice(1)) store.transitionRun(run.id, step);
    const before = store.getRun(run.id);
    expect(() => store.transitionRun(run.id, to, { exitCode: 9, verdict: "failed" })).toThrow(
      `Expected a run state that can become "${to}", got "${path.at(-1)}"`,
    );
    expect(store.getRun(run.id)).toEqual(before);
  });

  it("trySettle: of two connections settling one run, exactly one wins", () => {
    const dir = tempDir();
    const finisher = opened(dir);
    const heartbeat = opened(dir);
    const run = finisher.createRun(session(finisher), newRun({ state: "running" }));
    const first = finisher.trySettle(run.id, "succeeded", { exitCode: 0 });
    const second = heartbeat.trySettle(run.id, "failed", { exitCode: 1 });
    expect(first?.state).toBe("succeeded");
    expect(second).toBeNull();
    expect(heartbeat.getRun(run.id)).toMatchObject({ state: "succeeded", exitCode: 0 });
  });

  it.each<[RunState, RunState, RunState | null]>([
    ["starting", "running", "running"],
    ["running", "running", null],
    ["lost", "lost", null],
    ["lost", "running", null],
    ["lost", "succeeded", "succeeded"], // the runner was slow, not dead
    ["killed", "failed", null],
    ["succeeded", "lost", null],
  ])("trySettle from %s to %s -> %s", (from, to, expected) => {
    const store = opened();
    const run = store.createRun(session(store), newRun({ state: from }));
    const result = store.trySettle(run.id, to, { endReason: "x" });
    expect(result?.state ?? null).toBe(expected);
    expect(store.getRun(run.id)?.endReason ?? null).toBe(expected === null ? null : "x");
  });

  it("trySettle still throws on a transition no race can explain", () => {
    const store = opened();
    const run = store.createRun(session(store), newRun({ state: "running" }));
    expect(() => store.trySettle(run.id, "starting")).toThrow(
      /can become "starting", got "running"/,
    );
  });
});

describe("listSessionsWithLatestRun", () => {
  it("pairs each session with its highest run_no, or null", () => {
    const store = opened();
    const a = session(store, "a");
    const b = session(store, "b");
    const gone = session(store, "gone");
    store.createRun(a, newRun());
    const a2 = store.createRun(a, newRun({ state: "running" }));
    const g1 = store.createRun(gone, newRun());
    store.markRemoved(gone);
    const rows = store.listSessionsWithLatestRun();
    expect(rows.map((r) => [r.session.name, r.run?.id ?? null])).toEqual([
      ["a", a2.id],
      ["b", null],
    ]);
    expect(rows[0]?.run).toEqual(store.getRun(a2.id));
    expect(rows[0]?.session).toEqual(store.getSessionById(a));
    const all = store.listSessionsWithLatestRun({ includeRemoved: true });
    expect(all.map((r) => [r.session.id, r.run?.id ?? null])).toEqual([
      [a, a2.id],
      [b, null],
      [gone, g1.id],
    ]);
  });
});

describe("transactions", () => {
  it("transaction rolls back every call inside it on error", () => {
    const store = opened();
    expect(() =>
      store.transaction(() => {
        store.putGovernor("codex", { lastLaunchAt: "t", pausedUntil: null, pauseReason: null });
        session(store, "t");
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(store.governor("codex")).toBeNull();
    expect(store.getSession("t")).toBeNull();
  });
});
