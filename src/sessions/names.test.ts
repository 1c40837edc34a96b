import { describe, expect, it } from "vitest";
import { suggestName, uniqueName, validateName } from "./names.js";

describe("validateName", () => {
  it.each(["login", "fix-login_2", "A".repeat(48), "agent-10"])("accepts %s", (n) => {
    expect(validateName(n)).toBe(n);
  });
  it.each([
    "",
    "a b",
    "a.b",
    "a:b",
    "#{session_name}",
    "#(touch x)",
    "x;y",
    "é",
    "A".repeat(49),
    "a\nb",
    "$(id)",
  ])("rejects %j with the value named", (n) => {
    expect(() => validateName(n)).toThrow(JSON.stringify(n));
  });
});

describe("suggestName", () => {
  it.each([
    ["codex", "Fix the login bug", "codex-fix-login-bug"],
    ["claude", "Écrire les tests; $(rm -rf /) `x`", "claude-ecrire-les-tests-rm"],
    ["cmd", undefined, "cmd"],
    ["codex", "!!!", "codex"],
    ["codex", "a".repeat(100), "codex-" + "a".repeat(34)],
  ] as const)("%s + %j -> %s", (agent, prompt, expected) => {
    const name = suggestName(agent, prompt);
    expect(name).toBe(expected);
    expect(() => validateName(name)).not.toThrow();
  });
});

describe("uniqueName", () => {
  it("adds the first free suffix", () => {
    const taken = new Set(["x", "x-2"]);
    expect(uniqueName("x", (n) => taken.has(n))).toBe("x-3");
    expect(uniqueName("y", (n) => taken.has(n))).toBe("y");
  });
});
