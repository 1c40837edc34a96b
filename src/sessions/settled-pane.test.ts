import { describe, expect, it } from "vitest";
import type { RunState } from "./lifecycle.js";
import { recordedPane } from "./settled-pane.js";

type Run = {
  state: RunState;
  exitCode: number | null;
  signal: string | null;
  runnerPid: number | null;
};
const run = (over: Partial<Run>): Run => ({
  state: "succeeded",
  exitCode: 0,
  signal: null,
  runnerPid: 4242,
  ...over,
});
const session = { name: "login" };

describe("recordedPane: a finished run's tmux facts from its record", () => {
  it.each<[string, Run, boolean, ReturnType<typeof recordedPane>]>([
    ["succeeded, supervisor gone", run({}), false, { session: "login", paneDead: true }],
    [
      "succeeded, supervisor (or its finisher) still in the pane",
      run({}),
      true,
      { session: "login", paneDead: false },
    ],
    [
      "failed with an exit code",
      run({ state: "failed", exitCode: 3 }),
      false,
      { session: "login", paneDead: true },
    ],
    [
      "killed: the supervisor recorded the signal",
      run({ state: "killed", exitCode: null, signal: "SIGTERM" }),
      false,
      { session: "login", paneDead: true },
    ],
    // Only tmux can tell: the record does not say whether a pane is left.
    [
      "lost (its session or server may be gone)",
      run({ state: "lost", exitCode: null }),
      false,
      undefined,
    ],
    ["lost although an exit turned up", run({ state: "lost", exitCode: 0 }), false, undefined],
    [
      "killed while queued: never had a pane",
      run({ state: "killed", exitCode: null, runnerPid: null }),
      false,
      undefined,
    ],
    ["no exit recorded", run({ state: "failed", exitCode: null }), false, undefined],
    ["no supervisor recorded", run({ runnerPid: null }), false, undefined],
    ["still running", run({ state: "running", exitCode: null }), true, undefined],
    ["starting", run({ state: "starting", exitCode: null, runnerPid: null }), false, undefined],
    ["queued", run({ state: "queued", exitCode: null, runnerPid: null }), false, undefined],
  ])("%s", (_what, r, supervisorRunning, expected) => {
    expect(recordedPane(session, r, supervisorRunning)).toEqual(expected);
  });
});
