import { describe, expect, it } from "vitest";
import { TEMPLATE_VARS } from "./template.js";
import { flatten, summaryLine, templateVars, type NotifyEvent } from "./summary.js";

const base: NotifyEvent = {
  name: "login",
  agent: "codex",
  state: "succeeded",
  exitCode: 0,
  signal: null,
  durationMs: 252_000,
  cwd: "/home/u/app",
  runId: 7,
  logPath: "/state/runs/7/output.log",
  verdict: "verified",
  commits: 3,
  uncommitted: 0,
};

describe("flatten", () => {
  it.each<[string, string]>([
    ["plain", "plain"],
    ["a\nb\r\nc", "a b c"],
    ["\u001b[31mred\u001b[0m text", "red text"],
    ["\u001b]0;title\u0007after", "after"],
    ["tab\there\u0000nul\u007fdel\u2028sep", "tab here nul del sep"],
    ["  spaced   out  ", "spaced out"],
    ["ünïcødé ✓", "ünïcødé ✓"],
  ])("%j -> %j", (input, out) => {
    expect(flatten(input)).toBe(out);
  });

  it("truncates with an ellipsis", () => {
    expect(flatten("abcdefghij", 5)).toBe("abcd…");
    expect(flatten("abcde", 5)).toBe("abcde");
  });
});

describe("summaryLine", () => {
  it.each<[string, Partial<NotifyEvent>, string]>([
    [
      "verified success",
      {},
      "agentmux: login succeeded (exit 0) after 4m12s · 3 commits · 0 uncommitted · verified",
    ],
    [
      "a failure with its diagnosis",
      {
        name: "fix-tests",
        state: "failed",
        exitCode: 2,
        durationMs: 12_400,
        commits: 0,
        uncommitted: 1,
        verdict: "failed",
        diagnosis: { code: "cli-usage", summary: "codex rejected --full-auto" },
      },
      "agentmux: fix-tests failed (exit 2) after 12s · 0 commits · 1 uncommitted · failed · cli-usage: codex rejected --full-auto",
    ],
    [
      "one commit, singular",
      { commits: 1, verdict: "unverifiable" },
      "agentmux: login succeeded (exit 0) after 4m12s · 1 commit · 0 uncommitted · unverifiable",
    ],
    [
      "killed by a signal",
      { state: "killed", exitCode: null, signal: "SIGTERM", verdict: "no-changes", commits: 0 },
      "agentmux: login killed (signal SIGTERM) after 4m12s · 0 commits · 0 uncommitted · no-changes",
    ],
    [
      "lost, with a fix",
      {
        state: "lost",
        exitCode: null,
        verdict: null,
        diagnosis: {
          code: "lost",
          summary: "the tmux server went away",
          fix: "agentmux restart login",
        },
      },
      "agentmux: login lost (no exit code) after 4m12s · 3 commits · 0 uncommitted · lost: the tmux server went away · fix: agentmux restart login",
    ],
    [
      "a success diagnosis says nothing new",
      { diagnosis: { code: "success", summary: "exited 0" } },
      "agentmux: login succeeded (exit 0) after 4m12s · 3 commits · 0 uncommitted · verified",
    ],
    [
      "a no-op success keeps its diagnosis",
      {
        verdict: "no-changes",
        commits: 0,
        diagnosis: { code: "no-op", summary: "exit 0 but nothing changed" },
      },
      "agentmux: login succeeded (exit 0) after 4m12s · 0 commits · 0 uncommitted · no-changes · no-op: exit 0 but nothing changed",
    ],
    [
      "hostile text is flattened",
      {
        name: "evil\nname",
        state: "failed",
        exitCode: 1,
        verdict: "failed",
        diagnosis: { code: "crash", summary: "line1\n\u001b[31mline2\u001b[0m\r\n$(rm -rf /)" },
      },
      "agentmux: evil name failed (exit 1) after 4m12s · 3 commits · 0 uncommitted · failed · crash: line1 line2 $(rm -rf /)",
    ],
  ])("%s", (_label, patch, line) => {
    const text = summaryLine({ ...base, ...patch });
    expect(text).toBe(line);
    expect(text).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it("caps a long diagnosis", () => {
    const text = summaryLine({
      ...base,
      state: "failed",
      exitCode: 1,
      diagnosis: { code: "crash", summary: "x".repeat(5000) },
    });
    expect(text.length).toBeLessThan(300);
    expect(text.endsWith("…")).toBe(true);
  });
});

describe("templateVars", () => {
  it("has exactly the template placeholders", () => {
    expect(Object.keys(templateVars(base)).sort()).toEqual([...TEMPLATE_VARS].sort());
  });

  it.each<[Partial<NotifyEvent>, Partial<Record<string, string>>]>([
    [
      {},
      {
        name: "login",
        state: "succeeded",
        exitCode: "0",
        signal: "",
        cwd: "/home/u/app",
        agent: "codex",
        verdict: "verified",
        duration: "4m12s",
        commits: "3",
        uncommitted: "0",
        runId: "7",
        logPath: "/state/runs/7/output.log",
        diagnosis: "",
      },
    ],
    [
      {
        exitCode: null,
        signal: "SIGKILL",
        verdict: null,
        diagnosis: { code: "killed", summary: "by\nuser" },
      },
      { exitCode: "", signal: "SIGKILL", verdict: "", diagnosis: "killed: by user" },
    ],
    [{ cwd: "/tmp/a\nb $(x)" }, { cwd: "/tmp/a\nb $(x)" }],
  ])("%j", (patch, expected) => {
    const vars = templateVars({ ...base, ...patch });
    expect(vars).toMatchObject(expected);
    expect(vars.summary).toBe(summaryLine({ ...base, ...patch }));
  });
});
