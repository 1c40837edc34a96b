import type { SessionSpec } from "../../src/sessions/spec.js";

/** A complete, valid session spec for tests that store sessions; `over` replaces fields. */
export function testSpec(over: Partial<SessionSpec> = {}): SessionSpec {
  return {
    agent: "cmd",
    cwd: "/w",
    socket: "/nonexistent/agentmux-test.sock",
    argv: ["true"],
    display: "true",
    launch: { extraArgs: [] },
    hasPrompt: false,
    notify: { commands: [], webhooks: [], desktop: false },
    graceSeconds: 5,
    ...over,
  };
}
