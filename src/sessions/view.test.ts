import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { testSpec } from "../../test/helpers/spec.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { statusJson } from "./view.js";

const session: SessionRow = {
  id: 1,
  name: "job",
  kind: "agent",
  agent: "cmd",
  spec: testSpec(),
  createdAt: "2026-01-01T00:00:00.000Z",
  removedAt: null,
};

function run(over: Partial<RunRow>): RunRow {
  return {
    id: 1,
    sessionId: 1,
    runNo: 1,
    state: "running",
    runDir: "/nonexistent/runs/1",
    logPath: "/nonexistent/runs/1/output.log",
    tmuxSessionId: null,
    runnerPid: null,
    runnerStart: null,
    agentPid: null,
    agentStart: null,
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: null,
    exitCode: null,
    signal: null,
    endReason: null,
    killRequested: false,
    startCommit: null,
    evidence: null,
    verdict: null,
    diagnosis: null,
    journalFile: null,
    finishedAt: null,
    lastOutputAt: null,
    ...over,
  };
}

const WRITTEN = new Date("2026-02-03T04:05:06.789Z");

/** A pane log last written at WRITTEN. */
function writtenLog(): string {
  const log = join(tempDir(), "output.log");
  writeFileSync(log, "hello\n");
  utimesSync(log, WRITTEN, WRITTEN);
  return log;
}

describe("statusJson: lastOutputAt", () => {
  it.each<[string, (log: string) => Partial<RunRow>, string | null]>([
    ["a live run: the log's mtime", (log) => ({ logPath: log }), WRITTEN.toISOString()],
    ["a live run with no log yet: null", () => ({}), null],
    [
      "a settled run: what was recorded when it was judged, the log not read",
      (log) => ({ state: "succeeded", lastOutputAt: "2026-01-01T00:00:09.000Z", logPath: log }),
      "2026-01-01T00:00:09.000Z",
    ],
    [
      "a settled run with nothing recorded (lost, or settled before it was): the log",
      (log) => ({ state: "lost", logPath: log }),
      WRITTEN.toISOString(),
    ],
  ])("%s", (_name, over, expected) => {
    const json = statusJson(session, run(over(writtenLog())), 1, undefined);
    expect(json.lastOutputAt).toBe(expected);
  });

  it("no run yet: null", () => {
    expect(statusJson(session, null, 0, undefined).lastOutputAt).toBeNull();
  });
});
