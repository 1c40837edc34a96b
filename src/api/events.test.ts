import { describe, expect, it } from "vitest";
import type { RunState } from "../sessions/types.js";
import type { RunRow, SessionRow, SessionWithRun } from "../store/store.js";
import { diffSessions } from "./events.js";

const AT = "2026-01-01T00:00:00.000Z";

function row(
  id: number,
  name: string,
  run: { id: number; state: RunState } | null,
): SessionWithRun {
  const session: SessionRow = {
    id,
    name,
    kind: "agent",
    agent: "cmd",
    spec: { cwd: "/w", argv: ["true"], display: "true", socket: "/s" },
    createdAt: AT,
    removedAt: null,
  };
  const r = run && {
    id: run.id,
    sessionId: id,
    runNo: run.id,
    state: run.state,
    runDir: "/r",
    logPath: "/r/log",
    startedAt: AT,
    endedAt: null,
    exitCode: run.state === "failed" ? 1 : null,
    signal: null,
  };
  return { session, run: r as RunRow | null };
}

type Seen = Parameters<typeof diffSessions>[0];

const seen = (...entries: [number, string, number | null, RunState | null][]): Seen =>
  new Map(entries.map(([id, name, runId, state]) => [id, { name, runId, state }]));

describe("diffSessions: store snapshots in, session events out", () => {
  it.each([
    {
      what: "nothing changed",
      before: seen([1, "a", 1, "running"]),
      rows: [row(1, "a", { id: 1, state: "running" })],
      want: [],
    },
    {
      what: "a new session and its first run",
      before: seen(),
      rows: [row(1, "a", { id: 1, state: "starting" })],
      want: [
        ["session-added", "a"],
        ["state", "a", "starting", null],
      ],
    },
    {
      what: "running becomes succeeded: a state change and the end of the run",
      before: seen([1, "a", 1, "running"]),
      rows: [row(1, "a", { id: 1, state: "succeeded" })],
      want: [
        ["state", "a", "succeeded", "running"],
        ["run-ended", "a", "succeeded"],
      ],
    },
    {
      what: "a lost run settled later is a state change, not a second end",
      before: seen([1, "a", 1, "lost"]),
      rows: [row(1, "a", { id: 1, state: "failed" })],
      want: [["state", "a", "failed", "lost"]],
    },
    {
      what: "a restart: a new run, previous null",
      before: seen([1, "a", 1, "failed"]),
      rows: [row(1, "a", { id: 2, state: "starting" })],
      want: [["state", "a", "starting", null]],
    },
    {
      what: "a run that started and ended between two looks still ends",
      before: seen([1, "a", 1, "failed"]),
      rows: [row(1, "a", { id: 2, state: "failed" })],
      want: [
        ["state", "a", "failed", null],
        ["run-ended", "a", "failed"],
      ],
    },
    {
      what: "a removed session",
      before: seen([1, "a", 1, "failed"], [2, "b", 2, "running"]),
      rows: [row(2, "b", { id: 2, state: "running" })],
      want: [["session-removed", "a"]],
    },
  ])("$what", ({ before, rows, want }) => {
    const { events } = diffSessions(before, rows, AT);
    const got = events.map((e) =>
      e.type === "state"
        ? [e.type, e.name, e.state, e.previous]
        : e.type === "run-ended"
          ? [e.type, e.name, e.state]
          : [e.type, e.name],
    );
    expect(got).toEqual(want);
  });

  it("carries the status JSON of the session with each state event", () => {
    const { events } = diffSessions(
      seen([1, "a", 1, "running"]),
      [row(1, "a", { id: 1, state: "failed" })],
      AT,
    );
    const ended = events.find((e) => e.type === "run-ended");
    expect(ended?.type === "run-ended" && ended.status).toMatchObject({
      name: "a",
      state: "failed",
      exitCode: 1,
    });
  });
});
