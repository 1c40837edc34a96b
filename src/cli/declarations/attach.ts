import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const attach: CommandDecl = {
  name: "attach",
  summary: "attach to its tmux session",
  positionals: [{ name: "name" }],
  description: `Attach this terminal to the session's tmux session (detach with Ctrl-b d).
With --json, prints the tmux argv that would attach instead.`,
  options: [HOST_OPTION],
};
