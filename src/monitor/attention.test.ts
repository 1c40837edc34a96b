import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../diagnose/types.js";
import { fixFor, reportLine, type SessionReport } from "./attention.js";

const lost: Diagnosis = {
  code: "lost",
  summary: "the tmux server on /s is gone",
  fix: "agentmux restart a",
};
const auth: Diagnosis = {
  code: "auth",
  summary: "codex: refresh token was already used",
  fix: "codex login",
};

describe("fixFor", () => {
  it.each<[SessionReport["state"], SessionReport["diagnosis"], boolean, string | null]>([
    ["lost", lost, false, "agentmux restart a"],
    ["failed", auth, false, "codex login"],
    ["failed", null, false, "agentmux restart a"],
    ["failed", { code: "crash", summary: "exit 1" }, true, "agentmux restart a"],
    ["failed", auth, true, "codex login"],
    ["stalled", null, false, "agentmux attach a   (or: agentmux restart a)"],
    ["succeeded", { code: "success", summary: "ok" }, false, null],
  ])("%s %j errored=%j -> %j", (state, diagnosis, errored, fix) => {
    expect(fixFor("a", state, diagnosis, errored)).toBe(fix);
  });
});

describe("reportLine", () => {
  const base: SessionReport = {
    name: "a",
    state: "lost",
    run: 2,
    diagnosis: lost,
    attention: true,
    action: "none",
    reason: "",
    fix: "agentmux restart a",
  };
  it.each<[Partial<SessionReport>, string]>([
    [{}, "a: lost (run 2) · lost: the tmux server on /s is gone · fix: agentmux restart a"],
    [
      { action: "restarted", newRun: 3, attention: false },
      "a: lost (run 2) · lost: the tmux server on /s is gone · restarted as run 3",
    ],
    [
      {
        state: "failed",
        diagnosis: auth,
        reason: "not restarted after an authentication failure",
        fix: "codex login",
      },
      "a: failed (run 2) · auth: codex: refresh token was already used · not restarted after an authentication failure · fix: codex login",
    ],
  ])("%j", (over, line) => {
    expect(reportLine({ ...base, ...over })).toBe(line);
  });
});
