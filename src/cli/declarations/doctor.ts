import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const doctor: CommandDecl = {
  name: "doctor",
  summary: "check tmux, agents, login, store, monitor; says how to fix",
  positionals: [],
  description: `Checks what agentmux depends on and says how to fix each problem:
  tmux version (3.2+), the socket directory (0700, yours), a stale socket,
  whether the tmux server would die with a systemd service, perl, the agent
  CLIs (versions, flag compatibility, claude as root), codex login status,
  the config, the store, the journal directory, and whether the monitor runs.
Exit status 0 when everything is fine, 1 otherwise. See docs/doctor.md.`,
  options: [HOST_OPTION],
};
