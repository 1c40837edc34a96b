import { describe, expect, it } from "vitest";
import { testSpec } from "../../test/helpers/spec.js";
import { notifyEvent, type EventFacts } from "./event.js";
import { summaryLine } from "./summary.js";

const session = { name: "login", spec: testSpec({ agent: "codex", cwd: "/w/app" }) };
const run = { id: 7, logPath: "/s/runs/7/output.log" };
const base: EventFacts = {
  state: "succeeded",
  exitCode: 0,
  signal: null,
  durationMs: 252_000,
  verdict: "verified",
  commits: 2,
  uncommitted: 0,
  diagnosis: { code: "success", summary: "2 commits" },
};

describe("notifyEvent: the one builder of a run's notification event", () => {
  it("names the session and run from their rows, and tells the facts as given", () => {
    expect(notifyEvent(session, run, base)).toEqual({
      name: "login",
      agent: "codex",
      state: "succeeded",
      exitCode: 0,
      signal: null,
      durationMs: 252_000,
      cwd: "/w/app",
      runId: 7,
      logPath: "/s/runs/7/output.log",
      verdict: "verified",
      commits: 2,
      uncommitted: 0,
      diagnosis: { code: "success", summary: "2 commits" },
    });
  });

  // Optional facts appear only when there is something to tell, so a webhook
  // body carries no empty keys.
  it.each<[string, Partial<EventFacts>, Record<string, unknown>]>([
    ["unbacked ticks", { unbackedTicks: ["Add docs"] }, { unbackedTicks: ["Add docs"] }],
    ["no unbacked ticks", { unbackedTicks: [] }, {}],
    ["a loop's progress", { loop: "3/4 items done" }, { loop: "3/4 items done" }],
    ["no loop", { loop: null }, {}],
    ["usage", { usage: "12k in / 456 out tokens" }, { usage: "12k in / 456 out tokens" }],
    ["no usage", { usage: null }, {}],
  ])("%s", (_, facts, extra) => {
    const e = notifyEvent(session, run, { ...base, ...facts });
    for (const key of ["unbackedTicks", "loop", "usage"]) {
      if (key in extra) expect(e).toHaveProperty(key, extra[key]);
      else expect(e).not.toHaveProperty(key);
    }
  });

  it("keys come in one order, whoever builds the event (webhook bodies stay byte-stable)", () => {
    const all = notifyEvent(session, run, {
      ...base,
      unbackedTicks: ["x"],
      loop: "1/2 items done",
      usage: "1k",
    });
    expect(Object.keys(all)).toEqual([
      "name",
      "agent",
      "state",
      "exitCode",
      "signal",
      "durationMs",
      "cwd",
      "runId",
      "logPath",
      "verdict",
      "commits",
      "uncommitted",
      "unbackedTicks",
      "diagnosis",
      "loop",
      "usage",
    ]);
  });

  it("a monitor's finding reads like an ending on the same channels", () => {
    const stalled = notifyEvent(session, run, {
      ...base,
      state: "stalled",
      exitCode: null,
      verdict: null,
      commits: 0,
      diagnosis: { code: "stall", summary: "no output for 20 min" },
    });
    expect(summaryLine(stalled)).toMatch(/^agentmux: login stalled /);
  });
});
