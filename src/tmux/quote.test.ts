import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { privateTmuxSocket } from "../../test/helpers/tmux.js";
import { shellQuote, tmuxArg, tmuxFormatEscape, tmuxTimeFormatEscape } from "./quote.js";

const CONTROL = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join("") + "\x7f";

const HOSTILE: [string, string][] = [
  ["empty", ""],
  ["plain", "plain"],
  ["spaces", "a b  c"],
  ["single quote", "it's"],
  ["only quotes", "''"],
  ["quote at ends", "'x'"],
  ["double quotes", '"a" "b"'],
  ["command substitution", "$(touch canary)"],
  ["backticks", "`touch canary`"],
  ["variables", "$HOME ${PATH} $0 $@"],
  ["backslashes", "\\ \\\\ \\n \\'"],
  ["newlines", "a\nb\n\n"],
  ["control characters", CONTROL],
  ["glob and tilde", "* ? [a] ~ ~root"],
  ["separators", "a; touch canary && b | c & d > e < f"],
  ["history and braces", "!! {a,b} !$"],
  ["leading dash", "-n -e --"],
  ["tmux formats", "#{pid} #(touch canary) ##"],
  ["unicode", "ünï ☃ 😀 \u200b"],
  ["quote then newline", "'\n'\n"],
  ["long", "x'y\"z$(a)`b`\n".repeat(1000)],
];

describe("shellQuote", () => {
  it.each(HOSTILE)("round-trips %s through /bin/sh byte-exact", (_label, s) => {
    const dir = tempDir();
    const out = execFileSync("/bin/sh", ["-c", `printf %s ${shellQuote(s)}`], { cwd: dir });
    expect(out.equals(Buffer.from(s, "utf8"))).toBe(true);
    expect(readdirSync(dir)).toEqual([]); // nothing was executed
  });

  it("is one word even among other words", () => {
    const args = ["a b", "it's", "", "$(x)"];
    const out = execFileSync("/bin/sh", [
      "-c",
      `printf '[%s]' ${args.map(shellQuote).join(" ")}`,
    ]).toString("utf8");
    expect(out).toBe("[a b][it's][][$(x)]");
  });

  it.each([
    ["x", "'x'"],
    ["it's", "'it'\\''s'"],
    ["", "''"],
  ])("quotes %j as %s", (s, q) => {
    expect(shellQuote(s)).toBe(q);
  });

  it("rejects NUL, which no shell word can hold", () => {
    expect(() => shellQuote("a\0b")).toThrow(/without NUL bytes, got "a\\u0000b"/);
  });
});

describe("tmuxFormatEscape", () => {
  it.each([
    ["", ""],
    ["no hash", "no hash"],
    ["#{pid}", "##{pid}"],
    ["#(touch canary)", "##(touch canary)"],
    ["##", "####"],
    ["a#", "a##"],
    ["%s", "%s"],
    // tmux copies a run of # before [ (a style) verbatim, so it must stay.
    ["#[fg=red]", "#[fg=red]"],
    ["a##[b #c", "a##[b ##c"],
  ])("escapes %j as %j", (s, e) => {
    expect(tmuxFormatEscape(s)).toBe(e);
  });

  it.each([
    ["%s", "%%s"],
    ["100% #{x}", "100%% ##{x}"],
  ])("escapes %j for strftime as %j", (s, e) => {
    expect(tmuxTimeFormatEscape(s)).toBe(e);
  });

  // display-message -p expands like pipe-pane's command: formats, then strftime.
  const EXPANDED: string[] = [
    "#{pid} #{session_name} #S #D ##",
    "#(touch canary) ##(touch canary)",
    "#[fg=red] ##[x] ###[y] a#[b #",
    "%s %Y %% %%% 100%",
    "#{?1,a,b} #, #} #{",
    'it\'s "$(x)" `y` ; ünï 😀',
    "#",
    "%",
  ];
  it("round-trips through tmux's expander with no command run", () => {
    const dir = tempDir();
    const socket = privateTmuxSocket();
    const tmux = (...a: string[]): string =>
      execFileSync("tmux", ["-u", "-S", socket, ...a], { cwd: dir, encoding: "utf8" });
    tmux("new-session", "-d", "-s", "q", "sleep", "600");
    for (const s of EXPANDED) {
      expect(tmux("display-message", "-p", "-t", "=q:", tmuxTimeFormatEscape(s))).toBe(`${s}\n`);
    }
    // The exact output proves nothing was expanded; an empty directory is a
    // second net (a leaked #() job is asynchronous and may be cut short).
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("tmuxArg", () => {
  it.each([
    ["plain", "plain"],
    ["", ""],
    [";", "\\;"],
    ["a;", "a\\;"],
    ["a\\;", "a\\\\;"],
    ["a;b", "a;b"],
    ["; a", "; a"],
  ])("protects %j as %j", (s, e) => {
    expect(tmuxArg(s)).toBe(e);
  });
});
