import { describe, expect, it } from "vitest";
import { isAgentmuxError } from "../../util/errors.js";
import { parseDeclared } from "./parse.js";
import type { CommandDecl } from "./types.js";

const decl: CommandDecl = {
  name: "t",
  summary: "",
  description: "",
  positionals: [],
  options: [
    { long: "lines", short: "n", type: "string", value: "N", description: "" },
    { long: "follow", short: "f", type: "boolean", description: "" },
    { long: "env", type: "string", repeatable: true, description: "" },
    { long: "stall-after", type: "string", description: "" },
  ],
};

describe("parseDeclared", () => {
  it.each<[string[], Record<string, unknown>, string[], string[]]>([
    [["a", "b"], {}, ["a", "b"], []],
    [["--lines", "5", "x"], { lines: "5" }, ["x"], []],
    [["--lines=5"], { lines: "5" }, [], []],
    [["-n", "5"], { lines: "5" }, [], []],
    [["-n5"], { lines: "5" }, [], []],
    [["-fn", "5"], { follow: true, lines: "5" }, [], []],
    [["--lines", "-1"], { lines: "-1" }, [], []],
    [["--lines=-x"], { lines: "-x" }, [], []],
    [["--env", "A=1", "--env", "B=2"], { env: ["A=1", "B=2"] }, [], []],
    [["--lines", "1", "--lines", "2"], { lines: "2" }, [], []],
    [["x", "--json", "-h"], { json: true, help: true }, ["x"], []],
    [["-"], {}, ["-"], []],
    [["cmd", "--", "ls", "--lines", "-la"], {}, ["cmd"], ["ls", "--lines", "-la"]],
  ])("%j", (argv, values, positionals, rest) => {
    expect(parseDeclared(decl, argv)).toEqual({ values, positionals, rest });
  });

  it.each<[string[], string, string]>([
    [["--bogus"], 't: unknown option "--bogus"', "agentmux t --help lists its options"],
    [["--stall-afer", "1m"], 't: unknown option "--stall-afer"', "did you mean --stall-after?"],
    [["-x"], 't: unknown option "-x"', "--help"],
    [["--follow=yes"], 't: --follow takes no value, got "yes"', "--help"],
    [["--lines"], "t: --lines needs a value (N)", "--help"],
    [["-n"], "t: -n needs a value (N)", "--help"],
    [
      ["--lines", "--follow"],
      't: --lines needs a value (N), got the option "--follow"',
      "--lines=--follow",
    ],
  ])("%j is one usage error naming the token, with a hint", (argv, message, hint) => {
    let caught: unknown;
    try {
      parseDeclared(decl, argv);
    } catch (e) {
      caught = e;
    }
    expect(isAgentmuxError(caught)).toBe(true);
    const e = caught as { code: string; message: string; hint?: string };
    expect(e.code).toBe("usage");
    expect(e.message).toBe(message);
    expect(e.message).not.toContain("\n");
    expect(e.hint).toContain(hint);
  });
});
