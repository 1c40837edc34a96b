import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { testSpec } from "../../test/helpers/spec.js";
import type { AgentName } from "../agents/names.js";
import { RUN_STATES, type RunState } from "../sessions/lifecycle.js";
import { hasLiveRuns, liveRunsOfAgent } from "./live-runs.js";
import { claimStall, putStallSample, runningStalls } from "./monitor.js";
import { DB_FILE, openStore } from "./open.js";
import { listSessionsWithLatestRun } from "./sessions.js";
import { Sql } from "./sql.js";

/**
 * A migrated store with one session per (agent, state) given, each with one
 * run in that state, and the Sql over it that records every statement it
 * prepares.
 */
function world(runs: readonly [agent: AgentName, state: RunState][]) {
  const dir = tempDir();
  const store = openStore(dir);
  const ids = runs.map(([agent, state], i) => {
    const session = store.createSession({
      name: `s${i}`,
      kind: "agent",
      agent,
      spec: testSpec({ agent }),
    });
    // Recorded in the state (the lifecycle's transitions are not what is tested here).
    return store.createRun(session.id, {
      state,
      runDir: "",
      logPath: "",
      startedAt: "2026-12-07T00:00:00.000Z",
    }).id;
  });
  store.close();
  const db = new Database(join(dir, DB_FILE));
  onTestFinished(() => {
    db.close();
  });
  const sql = new Sql(db);
  const prepared: string[] = [];
  const stmt = sql.stmt.bind(sql);
  sql.stmt = (text: string) => {
    prepared.push(text);
    return stmt(text);
  };
  return { db, sql, ids, prepared };
}

describe("live runs", () => {
  it.each(RUN_STATES)("a run %s is live only when starting or running", (state) => {
    const { sql, ids } = world([
      ["codex", state],
      ["claude", "running"],
    ]);
    const live = state === "starting" || state === "running";
    expect(hasLiveRuns(sql)).toBe(true);
    expect(liveRunsOfAgent(sql, "codex").map((r) => r.id)).toEqual(live ? [ids[0]] : []);
    expect(liveRunsOfAgent(sql, "claude").map((r) => r.id)).toEqual([ids[1]]);
  });

  it("no live run at all: hasLiveRuns is false", () => {
    const { sql } = world([
      ["codex", "succeeded"],
      ["codex", "lost"],
      ["codex", "queued"],
    ]);
    expect(hasLiveRuns(sql)).toBe(false);
  });

  it("stalls are listed for running runs only, with their last progress", () => {
    const { sql, ids } = world([
      ["codex", "running"],
      ["codex", "starting"],
      ["codex", "failed"],
      ["codex", "running"],
    ]);
    for (const id of ids.slice(0, 3)) claimStall(sql, id, "2026-12-07T01:00:00.000Z");
    putStallSample(sql, ids[0] ?? 0, {
      at: 5,
      logMtimeMs: null,
      screenHash: null,
      cpuTicks: null,
      treeHash: null,
      progressAt: 4,
    });
    expect(runningStalls(sql)).toEqual([
      { runId: ids[0], since: "2026-12-07T01:00:00.000Z", progressAt: 4 },
    ]);
  });

  it("finds them through runs_live, never by reading every run (the history grows)", () => {
    const { db, sql, prepared } = world([
      ["codex", "running"],
      ["codex", "succeeded"],
    ]);
    hasLiveRuns(sql);
    liveRunsOfAgent(sql, "codex");
    runningStalls(sql);
    expect(prepared).toHaveLength(3);
    for (const text of prepared) {
      const plan = planOf(db, text);
      expect(plan, text).toMatch(/USING (COVERING )?INDEX runs_live/);
      expect(plan, text).not.toMatch(/SCAN (runs|r)\b/);
    }
  });
});

describe("the session list", () => {
  it("reads the kept sessions through sessions_kept, never the removed ones", () => {
    const { db, sql, prepared } = world([["codex", "succeeded"]]);
    listSessionsWithLatestRun(sql);
    expect(prepared).toHaveLength(2);
    for (const text of prepared) {
      const plan = planOf(db, text);
      expect(plan, text).not.toMatch(/SCAN (sessions|s)$|SCAN (sessions|s) \|/);
      expect(plan, text).not.toMatch(/SCAN (runs|r)\b/);
    }
    expect(prepared.map((t) => planOf(db, t)).join(" ")).toMatch(/INDEX sessions_kept/);
  });
});

function planOf(db: Database.Database, text: string): string {
  const params = (text.match(/\?/g) ?? []).map(() => "codex");
  return db
    .prepare(`EXPLAIN QUERY PLAN ${text}`)
    .all(...params)
    .map((r) => (r as { detail: string }).detail)
    .join(" | ");
}
