import { describe, expect, it } from "vitest";
import {
  PANE_FORMAT,
  SESSION_FORMAT,
  UNMARKED_PANE_FORMAT,
  parseCreated,
  parsePaneListing,
  parsePanes,
  parseSessions,
} from "./format.js";

const T = "\t";
const row = (...f: string[]): string => f.join(T);
const at = (s: number): Date => new Date(s * 1000);

describe("formats", () => {
  it("put the session name, the only free text, last", () => {
    expect(SESSION_FORMAT.endsWith("#{session_name}")).toBe(true);
    expect(PANE_FORMAT.endsWith("#{session_name}")).toBe(true);
    expect(SESSION_FORMAT.split(T)).toHaveLength(5);
  });
});

describe("parseSessions", () => {
  // Names as tmux 3.3 prints them: a typed tab/newline comes out as "\t"/"\n".
  it.each([
    ["agent-1", "agent-1"],
    ["with  spaces ", "with  spaces "],
    ["ünï 😀 \"q'", "ünï 😀 \"q'"],
    ["tab\\there", "tab\\there"],
    ["#{pid} #(x)", "#{pid} #(x)"],
    ["a\tb", "a\tb"], // a raw tab cannot come from tmux 3.3, but must not shift fields
  ])("keeps the name %j", (name, want) => {
    const out = row("$3", "1795536930", "2", "1", name) + "\n";
    expect(parseSessions(out)).toEqual([
      { id: "$3", name: want, createdAt: at(1795536930), attached: 2, windows: 1 },
    ]);
  });

  it("reads several lines and ignores the final newline", () => {
    const out = [row("$0", "10", "0", "1", "a"), row("$1", "20", "1", "3", "b"), ""].join("\n");
    expect(parseSessions(out).map((s) => [s.id, s.name, s.windows])).toEqual([
      ["$0", "a", 1],
      ["$1", "b", 3],
    ]);
  });

  it.each([[""], ["\n"]])("reads %j as no sessions", (out) => {
    expect(parseSessions(out)).toEqual([]);
  });

  it.each([["$0\t10\t0"], ["0\t10\t0\t1\ta"], ["$0\tx\t0\t1\ta"]])("rejects %j", (line) => {
    expect(() => parseSessions(line)).toThrow(/Unexpected line in tmux's list of sessions/);
  });
});

describe("parsePanes", () => {
  const base = {
    sessionId: "$1",
    sessionName: "my agent",
    paneId: "%4",
    panePid: 4242,
    deadAt: null,
    activityAt: at(200),
  };
  it.each([
    ["alive", row("$1", "%4", "4242", "0", "", "", "", "200", "100", "my agent"), base],
    [
      "exited 7",
      row("$1", "%4", "4242", "1", "7", "", "300", "200", "100", "my agent"),
      { ...base, dead: true, deadStatus: 7, deadSignal: null, deadAt: at(300) },
    ],
    [
      "killed by SIGTERM",
      row("$1", "%4", "4242", "1", "", "15", "300", "200", "100", "my agent"),
      { ...base, dead: true, deadStatus: null, deadSignal: 15, deadAt: at(300) },
    ],
    [
      "dead, not yet reaped",
      row("$1", "%4", "4242", "1", "", "", "300", "200", "100", "my agent"),
      { ...base, dead: true, deadAt: at(300) },
    ],
    [
      "reaped, pty not yet closed",
      row("$1", "%4", "4242", "0", "0", "", "", "200", "100", "my agent"),
      { ...base, dead: true, deadStatus: 0 },
    ],
    [
      "no window activity: session activity",
      row("$1", "%4", "4242", "0", "", "", "", "0", "100", "my agent"),
      { ...base, activityAt: at(100) },
    ],
    [
      "tmux < 3.3 (no dead signal/time)",
      row("$1", "%4", "4242", "1", "", "", "", "", "", "my agent"),
      { ...base, dead: true, activityAt: null },
    ],
  ])("reads a pane that is %s", (_label, line, want) => {
    expect(parsePanes(line + "\n")).toEqual([
      { dead: false, deadStatus: null, deadSignal: null, ...want },
    ]);
  });

  it("rejects a line without a pane id", () => {
    expect(() => parsePanes(row("$1", "4", "1", "0", "", "", "", "", "", "x"))).toThrow(
      /list of panes/,
    );
  });
});

describe("parsePaneListing", () => {
  const full = (name: string) => row("$1", "%4", "4242", "1", "0", "", "300", "200", "100", name);

  it("asks for a marked session's name only, and for everything else in full", () => {
    expect(UNMARKED_PANE_FORMAT).toBe(`#{?@agentmux,M\t#{session_name},${PANE_FORMAT}}`);
  });

  it.each([
    ["nothing", "", [], [], []],
    ["a marked session", "M\tagent-1\n", ["agent-1"], ["agent-1"], []],
    ["the user's session", `${full("build")}\n`, ["build"], [], ["build"]],
    [
      "both, in tmux's order, a session with two panes twice",
      ["M\tagent-1", full("build"), full("build"), "M\tz", ""].join("\n"),
      ["agent-1", "build", "build", "z"],
      ["agent-1", "z"],
      ["build", "build"],
    ],
    // tmux 3.3 prints a typed tab as the two characters \t; a raw one stays in the name.
    ["a marked name with a tab", "M\ta\tb\n", ["a\tb"], ["a\tb"], []],
    ["a user's session named M", `${full("M")}\n`, ["M"], [], ["M"]],
  ])("reads %s", (_label, out, names, marked, panes) => {
    const listing = parsePaneListing(out);
    expect(listing.names).toEqual(names);
    expect([...listing.marked]).toEqual(marked);
    expect(listing.panes.map((p) => p.sessionName)).toEqual(panes);
  });

  it("reads an unmarked pane exactly as parsePanes does", () => {
    const line = full("build");
    expect(parsePaneListing(line).panes).toEqual(parsePanes(line));
  });

  it("rejects a line that is neither", () => {
    expect(() => parsePaneListing("Mx\n")).toThrow(/list of panes/);
  });
});

describe("parseCreated", () => {
  it.each([
    ["$3\t%7\t999\n", { sessionId: "$3", paneId: "%7", panePid: 999 }],
    ["", null],
    ["error creating /x/sock (No such file or directory)\n", null],
    ["$3\t%7\t\n", null],
  ])("reads %j", (out, want) => {
    expect(parseCreated(out)).toEqual(want);
  });
});
