import type { AgentOverride } from "../config/config.js";
import { AGENTS, isAgentName, type AgentName } from "./names.js";
import { AgentmuxError, show } from "../util/errors.js";
import { CLAUDE_COMMAND, claudeProfile } from "./claude.js";
import { cmdProfile } from "./cmd.js";
import { CODEX_COMMAND, codexProfile } from "./codex.js";
import { demoCommand, demoProfile } from "./demo.js";
import type { AgentProfile, ProfileSetup } from "./profile.js";
import { RALPHY_COMMAND, ralphyProfile } from "./ralphy.js";

/** Agent name -> profile, with the user's config override (config.agents.<name>) applied. */
const PROFILES: Record<
  AgentName,
  { command: () => readonly string[]; make: (s: ProfileSetup) => AgentProfile }
> = {
  codex: { command: () => CODEX_COMMAND, make: codexProfile },
  claude: { command: () => CLAUDE_COMMAND, make: claudeProfile },
  ralphy: { command: () => RALPHY_COMMAND, make: ralphyProfile },
  // cmd has no program of its own; a configured command is a wrapper in front.
  cmd: { command: () => [], make: cmdProfile },
  demo: { command: demoCommand, make: demoProfile },
};

/**
 * The profile for `name`. `overrides.command` replaces the binary and its
 * leading arguments (for codex that includes "exec"), `args` are appended
 * after agentmux's own flags, `env` is added to the agent's environment.
 */
export function profileFor(name: string, overrides: AgentOverride = {}): AgentProfile {
  if (!isAgentName(name)) {
    throw new AgentmuxError(
      "usage",
      `Expected an agent of ${AGENTS.slice(0, -1).join(", ")} or ${AGENTS.at(-1)}, got ${show(name)}`,
      { hint: "to run any other command: agentmux run cmd -- your-command args" },
    );
  }
  const entry = PROFILES[name];
  const command = overrides.command ?? [...entry.command()];
  if (name !== "cmd" && (command.length === 0 || command[0] === "")) {
    throw new AgentmuxError(
      "config",
      `Expected agents.${name}.command to start with a program, got ${show(command)}`,
      { hint: `e.g. "command": ${JSON.stringify(entry.command().slice(0, 2))}, or remove the key` },
    );
  }
  return entry.make({
    command: [...command],
    args: [...(overrides.args ?? [])],
    env: { ...(overrides.env ?? {}) },
  });
}
