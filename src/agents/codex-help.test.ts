import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCodexExecHelp, parseVersion } from "./codex-help.js";

const fixture = (v: string): string =>
  readFileSync(new URL(`./fixtures/codex-exec-help-${v}.txt`, import.meta.url), "utf8");

describe("parseCodexExecHelp (golden: real `codex exec --help` output)", () => {
  it.each([
    // version, sandbox modes, --full-auto listed, -o, `-` documented
    ["0.169.0", ["read-only", "workspace-write", "danger-full-access"], false, true, true],
    // 0.145 still accepts --full-auto (with a warning) but no longer lists it.
    ["0.145.0", ["read-only", "workspace-write", "danger-full-access"], false, true, true],
    ["0.125.0", ["read-only", "workspace-write", "danger-full-access"], true, true, true],
    ["0.20.0", ["read-only", "workspace-write", "danger-full-access"], true, true, true],
  ] as const)("codex %s", (version, modes, fullAuto, lastMessage, dash) => {
    const caps = parseCodexExecHelp(fixture(version), version);
    expect(caps).toMatchObject({
      kind: "codex",
      version,
      sandboxModes: modes,
      fullAuto,
      json: true,
      outputLastMessage: lastMessage,
      skipGitRepoCheck: true,
      stdinDash: dash,
    });
    expect(caps.options).toContain("sandbox");
    expect(caps.options).not.toContain("output-format");
  });

  it("lists only real options, not words from descriptions", () => {
    const caps = parseCodexExecHelp(fixture("0.169.0"));
    expect(caps.options).toEqual([
      "config",
      "enable",
      "disable",
      "strict-config",
      "image",
      "model",
      "oss",
      "local-provider",
      "profile",
      "sandbox",
      "approve-for-me",
      "dangerously-bypass-approvals-and-sandbox",
      "dangerously-bypass-hook-trust",
      "cd",
      "worktree",
      "add-dir",
      "thread-source",
      "cyber-access-program",
      "skip-git-repo-check",
      "trust",
      "ephemeral",
      "ignore-user-config",
      "ignore-rules",
      "output-schema",
      "color",
      "json",
      "output-last-message",
      "help",
      "version",
    ]);
  });

  it.each([
    [
      "a help without --sandbox or --json",
      "Usage: codex exec [OPTIONS] [PROMPT]\n\nOptions:\n      --full-auto\n          x\n",
      { sandboxModes: [], fullAuto: true, json: false, stdinDash: false },
    ],
    [
      "a --sandbox without listed values",
      "Usage: codex exec [OPTIONS]\n  -s, --sandbox <MODE>\n          Pick one\n",
      { sandboxModes: ["workspace-write"], fullAuto: false },
    ],
    [
      "CRLF line ends",
      "Usage: codex exec [OPTIONS]\r\n      --json\r\n          JSONL\r\n",
      { json: true },
    ],
  ])("handles %s", (_name, text, expected) => {
    expect(parseCodexExecHelp(text)).toMatchObject(expected);
  });

  it("refuses text that is not codex exec's help", () => {
    expect(() => parseCodexExecHelp("Usage: claude [options] [command] [prompt]\n")).toThrow(
      /not codex's help/,
    );
  });
});

describe("parseVersion", () => {
  it.each([
    ["codex-cli 0.169.0\n", "0.169.0"],
    ["codex-cli 0.170.0-alpha.3\n", "0.170.0-alpha.3"],
    ["4.7.2", "4.7.2"],
    ["2.1.331 (Claude Code)\n", "2.1.331"],
    ["no version here", null],
  ])("%j -> %j", (text, expected) => {
    expect(parseVersion(text)).toBe(expected);
  });
});
