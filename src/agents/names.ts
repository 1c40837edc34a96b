/**
 * The agents agentmux knows, one profile file each in this folder. Every other
 * list of agents (the registry, the config schema, run's and loop's choices,
 * doctor's checks) is derived from this one.
 */
export const AGENTS = ["codex", "claude", "ralphy", "cmd", "demo"] as const;
export type AgentName = (typeof AGENTS)[number];

export function isAgentName(name: string): name is AgentName {
  return (AGENTS as readonly string[]).includes(name);
}

/** Agents a loop can drive: ralphy runs its own loop over the PRD, so it is not one of them. */
export const LOOP_AGENTS = AGENTS.filter((a) => a !== "ralphy");

/** Agents that are someone else's CLI, installed on their own (doctor checks their versions and flags). */
export const EXTERNAL_AGENTS = AGENTS.filter(
  (a): a is Exclude<AgentName, "cmd" | "demo"> => a !== "cmd" && a !== "demo",
);
