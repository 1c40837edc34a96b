import { describe, expect, it } from "vitest";
import { demoCommand } from "./demo.js";
import { AGENTS as AGENT_NAMES, isAgentName } from "./names.js";
import { profileFor } from "./registry.js";

const input = {
  prompt: true,
  extraArgs: [],
  runDir: "/r",
  cwd: "/repo",
  command: ["make"],
  env: {},
  uid: 1000,
  gitRepo: true,
};

describe("profileFor", () => {
  it.each([
    ["codex", "codex", ["codex", "exec"]],
    ["claude", "claude", ["claude"]],
    ["ralphy", "ralphy", ["ralphy"]],
    ["cmd", "", []],
    ["demo", process.execPath, demoCommand()],
  ])("%s", (name, binary, command) => {
    const p = profileFor(name);
    expect(p).toMatchObject({ name, binary, command });
    expect(p.description).not.toBe("");
  });

  it.each([
    [
      "codex",
      { command: ["/opt/codex", "exec"], args: ["-m", "o3"] },
      [
        "/opt/codex",
        "exec",
        "--sandbox",
        "workspace-write",
        "--json",
        "--output-last-message",
        "/r/last-message.md",
        "-m",
        "o3",
        "-",
      ],
    ],
    [
      "claude",
      { args: ["--model", "opus"] },
      [
        "claude",
        "-p",
        "--output-format",
        "stream-json",
        "--verbose",
        "--dangerously-skip-permissions",
        "--model",
        "opus",
      ],
    ],
    ["cmd", { command: ["nice"] }, ["nice", "make"]],
  ])("applies config overrides to %s", (name, override, argv) => {
    const p = profileFor(name, override);
    const launch = p.build(name === "ralphy" ? { ...input, prompt: false } : input);
    expect(launch.argv).toEqual(argv);
    expect(p.binary).toBe(argv[0]);
  });

  it("adds config env", () => {
    expect(
      profileFor("claude", { env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:9" } }).build(input).env,
    ).toEqual({
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
    });
  });

  it("does not let a build change the override it was given", () => {
    const override = { args: ["-m", "o3"] };
    profileFor("codex", override).build({ ...input, extraArgs: ["x"] });
    expect(override.args).toEqual(["-m", "o3"]);
  });

  it.each(["gemini", "", "Codex"])("refuses the unknown agent %j", (name) => {
    expect(() => profileFor(name)).toThrow(
      expect.objectContaining({
        code: "usage",
        message: `Expected an agent of codex, claude, ralphy, cmd or demo, got ${JSON.stringify(name)}`,
      }),
    );
  });

  it("refuses an empty configured command", () => {
    expect(() => profileFor("codex", { command: [] })).toThrow(
      "Expected agents.codex.command to start with a program, got []",
    );
    expect(profileFor("cmd", { command: [] }).command).toEqual([]);
  });

  it("knows its names", () => {
    expect(AGENT_NAMES.every(isAgentName)).toBe(true);
    expect(isAgentName("x")).toBe(false);
  });
});
