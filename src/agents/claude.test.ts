import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  assertMayBypassPermissions,
  buildClaude,
  CLAUDE_COMMAND,
  CLAUDE_FLAGS,
  claudeProfile,
} from "./claude.js";
import type { LaunchInput, ProfileSetup } from "./profile.js";

const setup = (over: Partial<ProfileSetup> = {}): ProfileSetup => ({
  command: [...CLAUDE_COMMAND],
  args: [],
  env: {},
  ...over,
});
const input = (over: Partial<LaunchInput> = {}): LaunchInput => ({
  prompt: true,
  extraArgs: [],
  runDir: "/state/runs/1",
  cwd: "/repo",
  env: {},
  uid: 1000,
  ...over,
});
const FLAGS = [
  "-p",
  "--output-format",
  "stream-json",
  "--verbose",
  "--dangerously-skip-permissions",
];

describe("buildClaude", () => {
  it.each<[string, ProfileSetup, LaunchInput, string[], "prompt" | "null"]>([
    ["prompt on stdin", setup(), input(), ["claude", ...FLAGS], "prompt"],
    [
      "config args then extra args",
      setup({ args: ["--model", "opus"] }),
      input({ extraArgs: ["--max-turns", "30"] }),
      ["claude", ...FLAGS, "--model", "opus", "--max-turns", "30"],
      "prompt",
    ],
    [
      "a replaced command",
      setup({ command: ["/home/u/.local/bin/claude"] }),
      input(),
      ["/home/u/.local/bin/claude", ...FLAGS],
      "prompt",
    ],
    [
      "no prompt, extra args only (e.g. --continue)",
      setup(),
      input({ prompt: false, extraArgs: ["--continue"] }),
      ["claude", ...FLAGS, "--continue"],
      "null",
    ],
    [
      "root in a declared sandbox",
      setup(),
      input({ uid: 0, env: { IS_SANDBOX: "1" } }),
      ["claude", ...FLAGS],
      "prompt",
    ],
    [
      "root with IS_SANDBOX from config",
      setup({ env: { IS_SANDBOX: "1" } }),
      input({ uid: 0 }),
      ["claude", ...FLAGS],
      "prompt",
    ],
    ["no uid (Windows)", setup(), input({ uid: null }), ["claude", ...FLAGS], "prompt"],
  ])("%s", (_name, s, i, argv, stdin) => {
    const launch = buildClaude(s, i);
    expect(launch.argv).toEqual(argv);
    expect(launch.stdin).toBe(stdin);
    expect(launch.warnings).toEqual([]);
  });

  it("refuses root outside a sandbox before launching", () => {
    expect(() => buildClaude(setup(), input({ uid: 0 }))).toThrow(
      expect.objectContaining({
        code: "agent",
        message: "Claude Code refuses --dangerously-skip-permissions when run as root",
        hint: "run agentmux as a normal user, or pass --env IS_SANDBOX=1 if this is a sandbox",
      }),
    );
  });

  it("needs a prompt or extra args", () => {
    expect(() => buildClaude(setup(), input({ prompt: false }))).toThrow(/claude needs a prompt/);
  });

  it("uses only flags the real claude 2.1.331 lists", () => {
    const help = readFileSync(
      new URL("./fixtures/claude-help-2.1.331.txt", import.meta.url),
      "utf8",
    );
    for (const flag of CLAUDE_FLAGS.filter((f) => f.startsWith("-"))) {
      expect(help).toMatch(new RegExp(`(^|[ ,])${flag}\\b`, "m"));
    }
    expect(help).toMatch(/"stream-json" \(realtime/);
  });

  it("the profile builds the same", () => {
    const profile = claudeProfile(setup());
    expect(profile).toMatchObject({ name: "claude", binary: "claude", command: ["claude"] });
    expect(profile.build(input()).argv).toEqual(["claude", ...FLAGS]);
  });
});

describe("assertMayBypassPermissions", () => {
  it.each<[NodeJS.ProcessEnv, number | null, string | null]>([
    [{}, 1000, null],
    [{}, null, null],
    [{ IS_SANDBOX: "1" }, 0, null],
    [{}, 0, "Claude Code refuses --dangerously-skip-permissions when run as root"],
    // claude 2.1.331 accepts only "1": "true" and "0" were refused when tried.
    [{ IS_SANDBOX: "true" }, 0, 'when run as root (IS_SANDBOX="true" is not "1")'],
    [{ IS_SANDBOX: "" }, 0, 'when run as root (IS_SANDBOX="" is not "1")'],
  ])("env %j uid %j", (env, uid, error) => {
    const check = (): void => assertMayBypassPermissions(env, uid);
    if (error === null) expect(check).not.toThrow();
    else expect(check).toThrow(error);
  });
});
