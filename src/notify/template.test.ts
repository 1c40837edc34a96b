import { describe, expect, it } from "vitest";
import { AgentmuxError } from "../util/errors.js";
import {
  ARGV_VARS,
  OPENCLAW_TEMPLATE,
  argvSafe,
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
  const vars = {
    summary: "S; touch x",
    name: "login",
    state: "{name}",
    cwd: "/a b;$(x)",
    agent: "a b;$(x)`y`'z'\"w\"",
  };
  it.each<[string[], string[]]>([
    // Agent-controlled values never go in: the placeholder stays literal.
    [
      ["echo", "{summary}"],
      ["echo", "{summary}"],
    ],
    [
      ["echo", "{cwd}", "{diagnosis}", "{logPath}"],
      ["echo", "{cwd}", "{diagnosis}", "{logPath}"],
    ],
    [
      ["echo", "name={name} state={state}"],
      // A value is never parsed again, and loses anything outside [A-Za-z0-9_.:+-].
      ["echo", "name=login state=_name_"],
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
      ["echo", '{"n":"{name}"}'],
      ["echo", '{"n":"login"}'],
    ],
    [
      ["echo", "{unknown}", "{toString}"],
      ["echo", "{unknown}", "{toString}"],
    ],
    [
      ["sh", "-c", "echo {agent}"],
      ["sh", "-c", "echo a_b___x__y__z__w_"],
    ],
  ])("%j", (words, out) => {
    expect(renderArgv(words, vars)).toEqual(out);
  });

  it("argvSafe keeps only characters no shell, awk or ssh treats as syntax", () => {
    expect(argvSafe("login-2_x.y:z+1")).toBe("login-2_x.y:z+1");
    expect(argvSafe("a \n$`'\";|&<>(){}[]*?~#!\\=%,^")).toBe("a".padEnd(28, "_"));
  });
});

describe("validateTemplate", () => {
  it.each([
    [["notify-send", "agentmux", "{name}", "{state}"]],
    [[...OPENCLAW_TEMPLATE]],
    [["echo", ...ARGV_VARS.map((v) => `{${v}}`)]],
    [["echo", "{{literal}}", '{"a":1}']],
    // Wrappers are fine: no agent byte is ever in argv, whatever runs it.
    [["timeout", "5", "sh", "-c", 'echo "$AGENTMUX_DIAGNOSIS" >> f']],
    [["sh", "-c", "echo {name} {state} {exitCode}"]],
  ])("accepts %j", (words) => {
    expect(() => validateTemplate(words)).not.toThrow();
  });

  it("names the unknown placeholder and lists the allowed ones", () => {
    let err: AgentmuxError | undefined;
    try {
      validateTemplate(["echo", "{sumary}"]);
    } catch (e) {
      err = e as AgentmuxError;
    }
    expect(err?.code).toBe("bad-value");
    expect(err?.message).toBe('Unknown placeholder {sumary} in notify command "echo {sumary}"');
    expect(err?.hint).toContain("$AGENTMUX_SUMMARY");
    for (const v of ARGV_VARS) expect(err?.hint).toContain(`{${v}}`);
  });

  it.each([[[]], [[""]], [["{agent}", "x"]], [["/bin/{name}"]]])("rejects %j", (words) => {
    expect(() => validateTemplate(words)).toThrow(AgentmuxError);
  });

  // Agent text is refused in argv whatever program or wrapper runs it.
  it.each<[string, string, string]>([
    [
      "timeout 5 sh -c 'echo {diagnosis} >> f'",
      "diagnosis",
      `timeout 5 sh -c 'echo "$AGENTMUX_DIAGNOSIS" >> f'`,
    ],
    [
      "notify-me --title {name} --body {summary}",
      "summary",
      `sh -c 'notify-me --title {name} --body "$AGENTMUX_SUMMARY"'`,
    ],
    ['notify-me "Done: {summary}"', "summary", `sh -c 'notify-me "Done: \${AGENTMUX_SUMMARY}"'`],
    ["nice -n 5 notify {cwd}", "cwd", `sh -c 'nice -n 5 notify "$AGENTMUX_CWD"'`],
    ["sudo -u bob notify {summary}", "summary", `sh -c 'sudo -u bob notify "$AGENTMUX_SUMMARY"'`],
    ["su -c 'notify {summary}' bob", "summary", `su -c 'notify "$AGENTMUX_SUMMARY"' bob`],
    ["ssh host notify {logPath}", "logPath", `sh -c 'ssh host notify "$AGENTMUX_LOG_PATH"'`],
    ["xargs -0 echo {summary}", "summary", `sh -c 'xargs -0 echo "$AGENTMUX_SUMMARY"'`],
    ["awk 'BEGIN{print \"{summary}\"}'", "summary", 'awk \'BEGIN{print ""$AGENTMUX_SUMMARY""}\''],
    ["env -S 'sh -c \"echo {summary}\"'", "summary", 'env -S \'sh -c "echo "$AGENTMUX_SUMMARY""\''],
  ])("refuses %j with the rewrite", (template, name, rewrite) => {
    let err: AgentmuxError | undefined;
    try {
      validateTemplate(splitTemplate(template), template);
    } catch (e) {
      err = e as AgentmuxError;
    }
    expect(err?.code).toBe("bad-value");
    expect(err?.message).toBe(
      `Expected no {${name}} in notify command ${JSON.stringify(template)}: it holds text the agent controls, which never goes into a command's arguments`,
    );
    expect(err?.hint).toContain(rewrite);
  });
});
