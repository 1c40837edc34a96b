import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const kill: CommandDecl = {
  name: "kill",
  summary: "stop it (TERM, grace, KILL); output stays readable",
  positionals: [{ name: "name" }],
  description: `Stops the session's agent: TERM to its process group, KILL after the grace period
(killGraceSeconds, default 5). The run is recorded as killed, verified and notified;
its output stays readable (tail, attach) until "agentmux rm".
It answers within about a second: an agent still in its grace period shows as
"stopping"; --wait waits until the run is recorded. An agent that had already
exited keeps its own exit (not "killed").`,
  options: [
    HOST_OPTION,
    { long: "wait", type: "boolean", description: "wait until the run is recorded" },
  ],
};
