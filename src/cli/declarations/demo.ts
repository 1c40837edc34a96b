import type { CommandDecl } from "../options/types.js";

export const demo: CommandDecl = {
  name: "demo",
  summary: "try it with the built-in demo agent (no API key)",
  positionals: [],
  description: `Runs a verified loop over a three-item PRD with the built-in demo agent, in a real tmux
session on a private socket against a throwaway git repo. On one item the agent ticks the box
without doing the work, and agentmux catches it.`,
  options: [{ long: "keep", type: "boolean", description: "leave the temp directory" }],
};
