import { describe, expect, it } from "vitest";
import { isQuickCommand } from "./quick.js";

describe("which commands the host's resident server answers", () => {
  const table: [string, string[], boolean][] = [
    ["ls", ["--json"], true],
    ["status", ["work", "--json"], true],
    ["verify", ["work"], true],
    ["tail", ["work", "-n", "5"], true],
    ["tail", ["work", "-f"], false],
    ["tail", ["work", "--follow"], false],
    ["tail", ["work", "--nope"], false],
    ["run", ["cmd", "--cwd", "x", "--", "true"], false],
    ["wait", ["work"], false],
    ["kill", ["work"], false],
    ["watch", [], false],
  ];
  it.each(table)("%s %j -> %s", (cmd, argv, quick) => {
    expect(isQuickCommand(cmd, argv)).toBe(quick);
  });
});
