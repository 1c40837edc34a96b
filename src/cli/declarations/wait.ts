import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const wait: CommandDecl = {
  name: "wait",
  summary: "until the current run ends; exit status says how",
  positionals: [{ name: "name" }],
  description: `Waits until the session's current run has finished (woken by the store, not by polling),
then prints its status (--json: the same object as "agentmux status --json").
A run that has already finished returns at once. See docs/wait.md.`,
  options: [
    HOST_OPTION,
    {
      long: "timeout",
      type: "string",
      value: "DUR",
      description: "give up after DUR (90s, 45m, 2h); the run goes on",
      default: "none",
    },
  ],
  footer: `Exit status: how the run ended
  0    succeeded
  1    failed
  2    usage error (bad option)
  3    lost (its supervisor or tmux went away without recording an exit)
  4    killed (agentmux kill)
  5    no such session, or it has no run yet
  124  --timeout came first; the run goes on`,
};
