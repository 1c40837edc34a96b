import { describe, expect, it, onTestFinished } from "vitest";
import type { Diagnosis } from "../diagnose/types.js";
import { readGovernor } from "../governor/governor.js";
import { openStore } from "../store/open.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { agentFacts, diagnoseAgentEnd, type AgentEnd } from "./agent-diagnosis.js";

const end: AgentEnd = {
  exitCode: 1,
  signal: null,
  durationMs: 5_000,
  tail: ["last line"],
  evidence: { isRepo: true, commits: 0, filesChanged: 0 },
};
const spec = { agent: "codex" as const, argv: ["/usr/local/bin/codex", "exec"] };
const base = {
  agent: "codex",
  exitCode: 1,
  signal: null,
  durationMs: 5_000,
  outputTail: ["last line"],
  evidence: { isRepo: true, commits: 0, filesChanged: 0 },
  binary: "/usr/local/bin/codex",
};

describe("agentFacts: the finisher and a loop iteration describe an agent's end alike", () => {
  it.each<[string, Partial<AgentEnd>, typeof spec | { agent: "cmd"; argv: string[] }, object]>([
    ["a plain failure", {}, spec, base],
    [
      "a launch error is read after the output",
      { launchError: "spawn codex ENOENT" },
      spec,
      { ...base, outputTail: ["last line", "spawn codex ENOENT"] },
    ],
    ["a null launch error adds nothing", { launchError: null }, spec, base],
    [
      "no argv: the agent's name is the binary",
      {},
      { agent: "cmd", argv: [] },
      { ...base, agent: "cmd", binary: "cmd" },
    ],
    [
      "what agentmux did is passed on, and only when true",
      { timedOut: true, killRequested: false, hangup: true },
      spec,
      { ...base, timedOut: true, hangup: true },
    ],
    ["a kill request", { killRequested: true }, spec, { ...base, killRequested: true }],
    [
      "the PATH it ran with",
      { pathValue: "/bin:/usr/bin" },
      spec,
      { ...base, pathValue: "/bin:/usr/bin" },
    ],
    ["an unknown PATH is left out", { pathValue: undefined }, spec, base],
  ])("%s", (_name, patch, who, want) => {
    expect(agentFacts(who, { ...end, ...patch })).toStrictEqual(want);
  });

  it("does not share the caller's tail", () => {
    const facts = agentFacts(spec, end);
    facts.outputTail.push("more");
    expect(end.tail).toStrictEqual(["last line"]);
  });
});

describe("diagnoseAgentEnd: the diagnosis, and a rate limit pauses the agent's launches", () => {
  const rateLimited = ["ERROR: exceeded retry limit, last status: 429 Too Many Requests"];
  const at = new Date("2026-01-02T03:04:05.000Z");
  it.each<[string, "codex" | "cmd", Partial<AgentEnd>, Diagnosis | null, string, boolean]>([
    ["codex's 429 pauses codex", "codex", { tail: rateLimited }, null, "rate-limit", true],
    [
      "a cmd printing a 429 pauses nothing",
      "cmd",
      { tail: rateLimited },
      null,
      "rate-limit",
      false,
    ],
    ["a plain failure pauses nothing", "codex", {}, null, "crash", false],
    [
      "a given diagnosis is used as it is, and reported",
      "codex",
      {},
      { code: "rate-limit", summary: "from the caller" },
      "rate-limit",
      true,
    ],
    [
      "a given lost run pauses nothing",
      "codex",
      { tail: rateLimited },
      { code: "lost", summary: "gone" },
      "lost",
      false,
    ],
  ])("%s", (_name, agent, patch, given, code, paused) => {
    const store = openStore(tempDir());
    onTestFinished(() => store.close());
    const got = diagnoseAgentEnd(
      { store, config: { limits: {} } },
      { name: "s1", spec: { agent, argv: [agent] } },
      { ...end, ...patch },
      { at, given },
    );
    expect(got.code).toBe(code);
    if (given) expect(got).toBe(given);
    const state = readGovernor(store, agent);
    expect(state.pausedUntil !== null).toBe(paused);
    if (paused) expect(state.pauseReason).toBe("rate-limit hit by s1");
  });
});
