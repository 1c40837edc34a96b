import { describe, expect, it } from "vitest";
import {
  paneDiedHookArgs,
  signalChannelArgs,
  waitForArgs,
  attachSessionArgs,
  capturePaneArgs,
  sendLineArgs,
  hasSessionArgs,
  killSessionArgs,
  listPanesArgs,
  listSessionsArgs,
  newSessionArgs,
  serverPidArgs,
  setSessionOptionArgs,
  setWindowOptionArgs,
  socketArgs,
  switchClientArgs,
} from "./argv.js";
import { CREATED_FORMAT, PANE_FORMAT, SESSION_FORMAT } from "./format.js";

describe("newSessionArgs", () => {
  it("chains new-session, remain-on-exit and pipe-pane in one invocation", () => {
    expect(
      newSessionArgs({ name: "agent-1", command: ["perl", "runner.pl"], logPath: "/l/out.log", mark: "m" }),
    ).toEqual([
      "new-session", "-d", "-s", "agent-1", "-P", "-F", CREATED_FORMAT, "--", "perl", "runner.pl",
      ";", "set-option", "-t", "=agent-1:", "@agentmux", "m",
      ";", "set-option", "-w", "-t", "=agent-1:", "remain-on-exit", "on",
      ";", "pipe-pane", "-o", "-t", "=agent-1:", "umask 077 && exec cat >> '/l/out.log'",
    ]); // prettier-ignore
  });

  it("passes a size when given", () => {
    const args = newSessionArgs({
      name: "a",
      command: ["x", "y"],
      logPath: "/l",
      mark: "m",
      width: 120,
      height: 40,
    });
    expect(args.slice(0, 8)).toEqual(["new-session", "-d", "-s", "a", "-x", "120", "-y", "40"]);
  });

  it("escapes formats in -s and the pipe command, but not in targets or the pane argv", () => {
    const args = newSessionArgs({
      name: "n#{pid}",
      command: ["sh", "-c", "echo '#{pid}'"],
      logPath: "/l/#(touch x) it's.log",
      mark: "m",
    });
    expect(args[3]).toBe("n##{pid}");
    expect(args.filter((a) => a === "=n#{pid}:")).toHaveLength(3);
    expect(args).toContain("echo '#{pid}'");
    expect(args.at(-1)).toBe(`umask 077 && exec cat >> '/l/##(touch x) it'\\''s.log'`);
  });

  it("protects arguments ending in ';' from tmux's command splitting", () => {
    const args = newSessionArgs({
      name: "a",
      command: ["sh", "-c", "true;", ";"],
      logPath: "/l",
      mark: "m",
    });
    expect(args.slice(8, 12)).toEqual(["sh", "-c", "true\\;", "\\;"]);
    expect(args.filter((a) => a === ";")).toHaveLength(3);
  });

  it.each([
    [
      { name: "a", command: ["sh -c 'x'"], logPath: "/l", mark: "m" },
      /2 or more argv elements, got \["sh -c 'x'"\]/,
    ],
    [{ name: "a", command: [], logPath: "/l", mark: "m" }, /2 or more argv elements, got \[\]/],
    [
      { name: "a", command: ["a", "b"], logPath: "out.log", mark: "m" },
      /absolute log path, got "out.log"/,
    ],
    [{ name: "a:b", command: ["a", "b"], logPath: "/l", mark: "m" }, /got "a:b"/],
    [
      { name: "a", command: ["a", "b"], logPath: "/" + "'".repeat(2000), mark: "m" },
      /shorter log path/,
    ],
    [
      { name: "a", command: ["a", "b"], logPath: "/l", mark: "m", width: 0 },
      /1-10000 cells, got 0/,
    ],
    [
      { name: "a", command: ["a", "b"], logPath: "/l", mark: "m", height: 2.5 },
      /1-10000 cells, got 2.5/,
    ],
  ])("rejects %j", (spec, message) => {
    expect(() => newSessionArgs(spec)).toThrow(message);
  });
});

describe("target builders", () => {
  it.each([
    [hasSessionArgs("agent-1"), ["has-session", "-t", "=agent-1"]],
    [killSessionArgs("agent-1"), ["kill-session", "-t", "=agent-1"]],
    [attachSessionArgs("agent-1"), ["attach-session", "-t", "=agent-1"]],
    [switchClientArgs("agent-1"), ["switch-client", "-t", "=agent-1"]],
    [capturePaneArgs("agent-1", 50), ["capture-pane", "-p", "-J", "-S", "-50", "-t", "=agent-1:"]],
    [
      setSessionOptionArgs("agent-1", "@agentmux-run", "-g"),
      ["set-option", "-t", "=agent-1:", "--", "@agentmux-run", "-g"],
    ],
    [
      setWindowOptionArgs("agent-1", "remain-on-exit", "on"),
      ["set-option", "-w", "-t", "=agent-1:", "--", "remain-on-exit", "on"],
    ],
    [killSessionArgs("semi;"), ["kill-session", "-t", "=semi\\;"]],
    [
      sendLineArgs("agent-1", "-x ends;"),
      [
        "send-keys",
        "-t",
        "=agent-1:",
        "-l",
        "--",
        "-x ends\\;",
        ";",
        "send-keys",
        "-t",
        "=agent-1:",
        "Enter",
      ],
    ],
    [hasSessionArgs("a b ü #{x}"), ["has-session", "-t", "=a b ü #{x}"]],
    [listSessionsArgs(), ["list-sessions", "-F", SESSION_FORMAT]],
    [listPanesArgs(), ["list-panes", "-a", "-F", PANE_FORMAT]],
    [serverPidArgs(), ["display-message", "-p", "#{pid}"]],
    [socketArgs("/s/sock"), ["-u", "-S", "/s/sock"]],
  ])("builds %j", (got, want) => {
    expect(got).toEqual(want);
  });

  it.each(["", "a.b", "a:b", "a\nb", "a\tb", "a\x7f"])("rejects the session name %j", (name) => {
    expect(() => killSessionArgs(name)).toThrow(/Expected a tmux session name without/);
  });

  it.each(["-g", "", "a b", "@"])("rejects the option name %j", (option) => {
    expect(() => setSessionOptionArgs("a", option, "v")).toThrow(/Expected a tmux option name/);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects %j capture lines", (lines) => {
    expect(() => capturePaneArgs("a", lines)).toThrow(/positive number of lines/);
  });
});

describe("monitor builders", () => {
  it.each<[string, string[], string[]]>([
    ["no sessions", [], []],
    ["one", ["a"], ["set-hook", "-t", "=a:", "pane-died", "wait-for -S ch"]],
    [
      "two, separated",
      ["a", "b"],
      [
        "set-hook",
        "-t",
        "=a:",
        "pane-died",
        "wait-for -S ch",
        ";",
        "set-hook",
        "-t",
        "=b:",
        "pane-died",
        "wait-for -S ch",
      ],
    ],
  ])("hooks pane-died for %s", (_, names, argv) => {
    expect(paneDiedHookArgs(names, "ch")).toEqual(argv);
  });

  it("builds the channel argv", () => {
    expect(waitForArgs("ch")).toEqual(["wait-for", "ch"]);
    expect(signalChannelArgs("ch")).toEqual(["wait-for", "-S", "ch"]);
  });
});
