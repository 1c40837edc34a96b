import { describe, expect, it } from "vitest";
import { AgentmuxError } from "../util/errors.js";
import {
  OPENCLAW_TEMPLATE,
  TEMPLATE_VARS,
  renderArgv,
  splitTemplate,
  validateTemplate,
} from "./template.js";

describe("splitTemplate", () => {
  it.each<[string, string[]]>([
    ["", []],
    ["   ", []],
    ["notify-send agentmux {summary}", ["notify-send", "agentmux", "{summary}"]],
    ["  a \t b\n c  ", ["a", "b", "c"]],
    ["echo 'two words' x", ["echo", "two words", "x"]],
    [`echo "two words"`, ["echo", "two words"]],
    ["echo ''", ["echo", ""]],
    [`echo "" ''x`, ["echo", "", "x"]],
    ["a'b'\"c\"d", ["abcd"]],
    [`echo 'it'\\''s'`, ["echo", "it's"]],
    [`echo "a\\"b" "c\\\\d" "\\$HOME" "\\\`x\\\`"`, ["echo", 'a"b', "c\\d", "$HOME", "`x`"]],
    // Inside "...", other backslashes are literal (POSIX).
    [`echo "a\\nb" "\\{x}"`, ["echo", "a\\nb", "\\{x}"]],
    ["echo a\\ b \\'q\\' \\\\", ["echo", "a b", "'q'", "\\"]],
    ["echo a\\\nb", ["echo", "ab"]],
    [`echo "x\\\ny"`, ["echo", "xy"]],
    // No expansions of any kind.
    ["echo $HOME ~ *.md $(id) `id` ${X}", ["echo", "$HOME", "~", "*.md", "$(id)", "`id`", "${X}"]],
    ["echo a;b|c&d>e # f", ["echo", "a;b|c&d>e", "#", "f"]],
    [
      `curl -d '{"text":"{summary}"}' https://x`,
      ["curl", "-d", '{"text":"{summary}"}', "https://x"],
    ],
    ["echo 'ünï ✓'", ["echo", "ünï ✓"]],
  ])("%j", (template, words) => {
    expect(splitTemplate(template)).toEqual(words);
  });

  it.each(["echo 'open", 'echo "open', `echo "a\\"`, "echo a'b"])(
    "rejects an unclosed quote in %j",
    (t) => {
      let err: unknown;
      try {
        splitTemplate(t);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AgentmuxError);
      expect((err as AgentmuxError).code).toBe("bad-value");
      expect((err as AgentmuxError).message).toBe(
        `Expected a closed quote in notify command ${JSON.stringify(t)}`,
      );
      expect((err as AgentmuxError).hint).toMatch(/close every quote/);
    },
  );

  it("rejects a trailing backslash", () => {
    expect(() => splitTemplate("echo a\\")).toThrow(/after the last backslash/);
  });
});

describe("renderArgv", () => {
  const vars = { summary: "S", name: "login", state: "{name}", cwd: "/a b;$(x)" };
  it.each<[string[], string[]]>([
    [
      ["echo", "{summary}"],
      ["echo", "S"],
    ],
    [
      ["echo", "name={name} state={state}"],
      ["echo", "name=login state={name}"],
    ],
    [
      ["echo", "{cwd}"],
      ["echo", "/a b;$(x)"],
    ],
    [
      ["echo", "{{name}}", "{{", "}}", "{{{name}}}"],
      ["echo", "{name}", "{", "}", "{login}"],
    ],
    [
      ["echo", "{ name }", "{", "}", "#{x", "{1}"],
      ["echo", "{ name }", "{", "}", "#{x", "{1}"],
    ],
    [
      ["echo", '{"t":"{summary}"}'],
      ["echo", '{"t":"S"}'],
    ],
    [
      ["echo", "{unknown}", "{toString}"],
      ["echo", "{unknown}", "{toString}"],
    ],
    [
      ["echo", "{summary}{summary}"],
      ["echo", "SS"],
    ],
  ])("%j", (words, out) => {
    expect(renderArgv(words, vars)).toEqual(out);
  });

  it("keeps a value with spaces and newlines as one element", () => {
    expect(renderArgv(["x", "--text", "{summary}"], { summary: "a b\nc 'd'" })).toEqual([
      "x",
      "--text",
      "a b\nc 'd'",
    ]);
  });
});

describe("validateTemplate", () => {
  it.each([
    [["notify-send", "agentmux", "{summary}"]],
    [[...OPENCLAW_TEMPLATE]],
    [["echo", ...TEMPLATE_VARS.map((v) => `{${v}}`)]],
    [["echo", "{{literal}}", '{"a":1}']],
  ])("accepts %j", (words) => {
    expect(() => validateTemplate(words)).not.toThrow();
  });

  it("names the unknown placeholder and lists the known ones", () => {
    let err: AgentmuxError | undefined;
    try {
      validateTemplate(["echo", "{sumary}"]);
    } catch (e) {
      err = e as AgentmuxError;
    }
    expect(err?.code).toBe("bad-value");
    expect(err?.message).toBe('Unknown placeholder {sumary} in notify command ["echo","{sumary}"]');
    expect(err?.hint).toContain("{summary}");
    for (const v of TEMPLATE_VARS) expect(err?.hint).toContain(`{${v}}`);
  });

  it.each([[[]], [[""]], [["{agent}", "x"]], [["/bin/{name}"]]])("rejects %j", (words) => {
    expect(() => validateTemplate(words)).toThrow(AgentmuxError);
  });

  // Event text (a summary quoting the agent's output) must never become code.
  it.each([
    [["sh", "-c", "echo {summary} >> notes.txt"], "sh -c"],
    [["/bin/bash", "-lc", "notify {name}"], "bash -lc"],
    [["env", "-i", "PATH=/bin", "sh", "-ec", "x={state}"], "sh -ec"],
    [["python3", "-c", "print('{summary}')"], "python3 -c"],
    [["perl", "-e", "print q({name})"], "perl -e"],
    [["node", "--eval", "console.log(`{summary}`)"], "node --eval"],
  ])("rejects a placeholder inside an inline script: %j", (words, how) => {
    let err: AgentmuxError | undefined;
    try {
      validateTemplate(words);
    } catch (e) {
      err = e as AgentmuxError;
    }
    expect(err?.code).toBe("bad-value");
    expect(err?.message).toContain(`inside the ${how} script`);
    expect(err?.hint).toContain(`sh -c 'echo "$1" >> notes.txt' sh {summary}`);
  });

  it.each([
    [["sh", "-c", 'echo "$1" >> notes.txt', "sh", "{summary}"]],
    [["bash", "-c", "date > /tmp/x"]],
    [["python3", "notify.py", "{summary}"]],
    [["shellcheck", "-c", "{name}"]],
  ])("accepts values passed to a script as arguments: %j", (words) => {
    expect(() => validateTemplate(words)).not.toThrow();
  });
});
