import { describe, expect, it } from "vitest";
import {
  codeSpan,
  endLine,
  endText,
  markerFor,
  startLine,
  type EndEntry,
  type StartEntry,
} from "./line.js";

const start: StartEntry = {
  runKey: "login#7",
  name: "login",
  agent: "codex",
  cwd: "/home/u/app",
  command: "codex exec 'Fix the login bug'",
  startedAt: new Date(2024, 4, 1, 14, 3),
};
const end: EndEntry = {
  state: "succeeded",
  exitCode: 0,
  signal: null,
  verdict: "verified",
  endedAt: new Date(2024, 4, 1, 14, 47),
};

describe("codeSpan", () => {
  it.each<[string, string]>([
    ["plain", "`plain`"],
    ["a `b` c", "``a `b` c``"],
    ["``x`", "``` ``x` ```"],
    ["`", "`` ` ``"],
    ["line1\nline2", "`line1 line2`"],
    ["", "` `"],
  ])("%j -> %j", (text, span) => {
    expect(codeSpan(text)).toBe(span);
  });
});

describe("startLine", () => {
  it("matches the documented shape", () => {
    expect(startLine(start)).toBe(
      "- 🟢 **login** — codex in `/home/u/app` — `codex exec 'Fix the login bug'` — started 14:03 <!-- agentmux:login#7 -->",
    );
  });

  it("shortens a long command to about 120 characters", () => {
    const line = startLine({ ...start, command: `codex exec ${"x".repeat(500)}` });
    const span = /— `([^`]*)` — started/.exec(line)?.[1] ?? "";
    expect(span).toHaveLength(120);
    expect(span.endsWith("…")).toBe(true);
  });

  it("keeps hostile text on one line and unable to end the marker or the markup", () => {
    const line = startLine({
      ...start,
      name: "**x**<b>",
      cwd: "/tmp/a`b\nc",
      command: "echo `id` <!-- agentmux:other#1 --> \u001b[31m\r\nrm",
    });
    expect(line).not.toMatch(/[\n\r\u001b]/);
    expect(line).toContain("**\\*\\*x\\*\\*\\<b\\>**");
    expect(line).toContain("``/tmp/a`b c``");
    expect(line).toContain("``echo `id` <!-- agentmux:other#1 --> rm``");
    expect(line.endsWith(markerFor("login#7"))).toBe(true);
  });
});

describe("endText", () => {
  it.each<[string, Partial<EndEntry>, string]>([
    ["verified success", {}, "succeeded (exit 0, verified) at 14:47"],
    [
      "failure with diagnosis",
      {
        state: "failed",
        exitCode: 2,
        verdict: "failed",
        diagnosis: { code: "auth", summary: "not logged in\nrun codex login" },
      },
      "failed (exit 2, failed) at 14:47 — auth: not logged in run codex login",
    ],
    [
      "killed",
      { state: "killed", exitCode: null, signal: "SIGTERM", verdict: null },
      "killed (signal SIGTERM) at 14:47",
    ],
    [
      "lost",
      {
        state: "lost",
        exitCode: null,
        verdict: null,
        diagnosis: { code: "lost", summary: "tmux server gone" },
      },
      "lost (no exit code) at 14:47 — lost: tmux server gone",
    ],
    [
      "success diagnosis is quiet",
      { verdict: "no-changes", diagnosis: { code: "success", summary: "fine" } },
      "succeeded (exit 0, no-changes) at 14:47",
    ],
    [
      "ended another day",
      { endedAt: new Date(2024, 4, 2, 0, 5) },
      "succeeded (exit 0, verified) at 2024-05-02 00:05",
    ],
  ])("%s", (_label, patch, text) => {
    expect(endText({ ...end, ...patch }, "2024-05-01")).toBe(text);
  });
});

describe("endLine", () => {
  const started = startLine(start);
  const body =
    "**login** — codex in `/home/u/app` — `codex exec 'Fix the login bug'` — started 14:03";

  it.each<[string, string, Partial<EndEntry>, string]>([
    [
      "a started line",
      started,
      {},
      `- ✅ ${body} — succeeded (exit 0, verified) at 14:47 <!-- agentmux:login#7 -->`,
    ],
    [
      "an ended line ended again",
      `- ✅ ${body} — succeeded (exit 0, verified) at 14:47 <!-- agentmux:login#7 -->`,
      { state: "killed", exitCode: null, signal: "SIGKILL", verdict: null },
      `- 🛑 ${body} — killed (signal SIGKILL) at 14:47 <!-- agentmux:login#7 -->`,
    ],
    [
      "a no-op success",
      started,
      { verdict: "no-changes" },
      `- ⚠️ ${body} — succeeded (exit 0, no-changes) at 14:47 <!-- agentmux:login#7 -->`,
    ],
    [
      "a line the user edited (nested, no emoji, trailing space)",
      "  * my own words about login <!-- agentmux:login#7 -->  ",
      { state: "failed", exitCode: 1, verdict: "failed" },
      "  * ❌ my own words about login — failed (exit 1, failed) at 14:47 <!-- agentmux:login#7 -->",
    ],
    [
      "a command that itself says '— started 10:00'",
      "- 🟢 **x** — cmd in `/a` — `echo — started 10:00 —` — started 14:03 <!-- agentmux:login#7 -->",
      {},
      "- ✅ **x** — cmd in `/a` — `echo — started 10:00 —` — started 14:03 — succeeded (exit 0, verified) at 14:47 <!-- agentmux:login#7 -->",
    ],
  ])("%s", (_label, old, patch, line) => {
    expect(endLine(old, "login#7", { ...end, ...patch }, "2024-05-01")).toBe(line);
  });
});
