import { describe, expect, it } from "vitest";
import { parseConfig, resolveJournalDir, resolveSocket } from "./config.js";

describe("parseConfig", () => {
  it("accepts an empty object with defaults", () => {
    const c = parseConfig("{}", "/x/config.json");
    expect(c.notify).toEqual({ commands: [], openclaw: false, webhooks: [], desktop: "auto" });
    expect(c.socket).toBeUndefined();
  });

  it("reads every key", () => {
    const c = parseConfig(
      JSON.stringify({
        socket: "~/s",
        journalDir: "/j",
        killGraceSeconds: 3,
        notify: {
          commands: ["echo {summary}"],
          openclaw: true,
          webhooks: ["http://127.0.0.1:1/x"],
          desktop: false,
        },
        agents: { codex: { command: ["/opt/codex"], args: ["-m", "o3"], env: { A: "1" } } },
      }),
      "/x/config.json",
    );
    expect(c.killGraceSeconds).toBe(3);
    expect(c.notify.desktop).toBe(false);
    expect(c.agents.codex).toEqual({
      command: ["/opt/codex"],
      args: ["-m", "o3"],
      env: { A: "1" },
    });
  });

  it("reports every problem at once with its key path", () => {
    const text = JSON.stringify({
      socket: 3,
      notify: { commands: "echo", desktop: "sometimes", extra: 1 },
      agents: { codex: { args: [1] }, gemini: {} },
      killGraceSeconds: -1,
    });
    let message = "";
    try {
      parseConfig(text, "/x/config.json");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("/x/config.json has 7 problem(s)");
    for (const fragment of [
      "socket: expected a string, got number 3",
      "notify.commands: expected a list",
      'notify.desktop: expected true, false or "auto", got "sometimes"',
      "notify.extra: unknown key",
      "agents.codex.args[0]: expected a string",
      "agents.gemini: unknown key",
      "killGraceSeconds: expected a number from 0 to 600, got number -1",
    ]) {
      expect(message).toContain(fragment);
    }
  });

  it("names the file when the JSON is broken", () => {
    expect(() => parseConfig("{ socket: ", "/x/config.json")).toThrow(
      /\/x\/config.json is not valid JSON/,
    );
  });
});

describe("resolution order: flag, environment, config, default", () => {
  const cfg = parseConfig(JSON.stringify({ socket: "/cfg/sock", journalDir: "/cfg/j" }), "/c");
  const env = { HOME: "/home/u" };
  it.each([
    ["/flag/sock", { ...env, AGENTMUX_SOCKET: "/env/sock" }, cfg, "/flag/sock"],
    [undefined, { ...env, AGENTMUX_SOCKET: "/env/sock" }, cfg, "/env/sock"],
    [undefined, env, cfg, "/cfg/sock"],
    [undefined, env, parseConfig("{}", "/c"), "/home/u/.tmux/sock"],
  ] as const)("socket flag=%s", (flag, e, c, expected) => {
    expect(resolveSocket(flag, c, e)).toBe(expected);
  });

  it("journal dir is off unless asked for", () => {
    expect(resolveJournalDir(undefined, parseConfig("{}", "/c"), env)).toBeUndefined();
    expect(resolveJournalDir(undefined, cfg, { ...env, AGENTMUX_JOURNAL_DIR: "~/mem" })).toBe(
      "/home/u/mem",
    );
  });
});
