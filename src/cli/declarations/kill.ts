import type { CommandDecl } from "../options/types.js";

export const kill: CommandDecl = {
  name: "kill",
  summary: "stop it (TERM, grace, KILL); output stays readable",
  positionals: [{ name: "name" }],
  description: `Stops the session's agent: TERM to its process group, KILL after the grace period
(killGraceSeconds, default 5). The run is recorded as killed, verified and notified;
its output stays readable (tail, attach) until "agentmux rm".`,
  options: [],
};
