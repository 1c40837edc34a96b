import { describe, expect, it } from "vitest";
import { buildCmd, cmdProfile } from "./cmd.js";
import { binaryFor, type LaunchInput, type ProfileSetup } from "./profile.js";

const setup = (over: Partial<ProfileSetup> = {}): ProfileSetup => ({
  command: [],
  args: [],
  env: {},
  ...over,
});
const input = (over: Partial<LaunchInput> = {}): LaunchInput => ({
  prompt: false,
  extraArgs: [],
  runDir: "/state/runs/1",
  cwd: "/repo",
  command: ["npm", "test"],
  ...over,
});

describe("buildCmd", () => {
  it.each<[string, ProfileSetup, LaunchInput, string[], "prompt" | "tty"]>([
    ["the command as given, terminal on stdin", setup(), input(), ["npm", "test"], "tty"],
    ["a prompt goes to stdin", setup(), input({ prompt: true }), ["npm", "test"], "prompt"],
    [
      "words with spaces and quotes stay single argv elements",
      setup(),
      input({ command: ["sh", "-c", 'echo "$1"', "x", "a b; rm -rf /"] }),
      ["sh", "-c", 'echo "$1"', "x", "a b; rm -rf /"],
      "tty",
    ],
    [
      "a configured wrapper goes in front, config args after",
      setup({ command: ["nice", "-n", "10"], args: ["--verbose"] }),
      input(),
      ["nice", "-n", "10", "npm", "test", "--verbose"],
      "tty",
    ],
  ])("%s", (_name, s, i, argv, stdin) => {
    expect(buildCmd(s, i)).toEqual({ argv, stdin, env: {}, warnings: [] });
  });

  it.each([[undefined], [[]], [[""]]])("needs a command (got %j)", (command) => {
    expect(() => buildCmd(setup(), input({ command }))).toThrow(
      expect.objectContaining({
        code: "usage",
        message: "agentmux run cmd needs the command to run after --",
        hint: "for example: agentmux run cmd --name tests -- npm test",
      }),
    );
  });

  it("its binary is the command's first word, or the wrapper's", () => {
    expect(binaryFor(cmdProfile(setup()), input())).toBe("npm");
    expect(binaryFor(cmdProfile(setup({ command: ["nice"] })), input())).toBe("nice");
  });
});
