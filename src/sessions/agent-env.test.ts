import { describe, expect, it } from "vitest";
import { agentEnv, type AgentIdentity } from "./agent-env.js";
import { captureEnv } from "./envfile.js";

const run: AgentIdentity = { session: { id: 7, name: "login" }, runId: 12, runDir: "/s/runs/12" };
const ids = {
  AGENTMUX_SESSION: "login",
  AGENTMUX_RUN: "12",
  AGENTMUX_RUN_DIR: "/s/runs/12",
};

describe("agentEnv: one environment for a run's agent and a loop iteration's", () => {
  it.each<[string, Record<string, string>, Record<string, string>, AgentIdentity, object]>([
    [
      "a run without a prompt",
      { HOME: "/h" },
      { PATH: "/bin" },
      run,
      { HOME: "/h", PATH: "/bin", ...ids },
    ],
    [
      "a run with a prompt",
      {},
      {},
      { ...run, promptFile: "/s/runs/12/prompt" },
      { ...ids, AGENTMUX_PROMPT_FILE: "/s/runs/12/prompt" },
    ],
    [
      "a loop iteration names its iteration and item",
      { KEEP: "1" },
      { PATH: "/p" },
      {
        ...run,
        promptFile: "/s/runs/12/iteration-3/prompt",
        iteration: { id: 3, item: "Add docs" },
      },
      {
        KEEP: "1",
        PATH: "/p",
        ...ids,
        AGENTMUX_ITERATION: "3",
        AGENTMUX_ITEM: "Add docs",
        AGENTMUX_PROMPT_FILE: "/s/runs/12/iteration-3/prompt",
      },
    ],
    [
      "the profile's PATH beats the session's",
      { PATH: "/old", A: "session" },
      { PATH: "/new" },
      run,
      { PATH: "/new", A: "session", ...ids },
    ],
    [
      "agentmux's own names beat both (a captured or forged AGENTMUX_RUN)",
      { AGENTMUX_RUN: "99", AGENTMUX_ITEM: "stale" },
      { AGENTMUX_SESSION: "forged" },
      { ...run, iteration: { id: 1, item: "real" } },
      { ...ids, AGENTMUX_ITERATION: "1", AGENTMUX_ITEM: "real" },
    ],
  ])("%s", (_name, base, profile, who, want) => {
    expect(agentEnv(base, profile, who)).toStrictEqual(want);
  });

  it("leaves its inputs alone", () => {
    const base = { A: "1" };
    const profile = { PATH: "/p" };
    agentEnv(base, profile, run);
    expect(base).toStrictEqual({ A: "1" });
    expect(profile).toStrictEqual({ PATH: "/p" });
  });

  it("sets nothing a nested `agentmux run` would capture as its own", () => {
    // An agent that starts its own session must not pass on who it is.
    const who = { ...run, promptFile: "/p", iteration: { id: 1, item: "x" } };
    expect(captureEnv(agentEnv({}, {}, who))).toStrictEqual({});
  });
});
