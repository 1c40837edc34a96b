import type { CommandDecl } from "../options/types.js";

/** Run by agentmux's supervisor in the pane, with the run directory as the only argument. */
export const finish: CommandDecl = {
  name: "_finish",
  summary: "internal: record, verify and announce a run that ended",
  positionals: [{ name: "rundir" }],
  description: "Run by agentmux's supervisor right after the agent exits.",
  options: [],
  internal: true,
};

export const loopDriver: CommandDecl = {
  name: "_loop",
  summary: "internal: the pane command of a loop session",
  positionals: [{ name: "rundir" }],
  description: "Run by agentmux's supervisor in place of an agent.",
  options: [],
  internal: true,
};
