import { describe, expect, it } from "vitest";
import { agentFacts, type AgentEnd } from "./agent-diagnosis.js";

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
