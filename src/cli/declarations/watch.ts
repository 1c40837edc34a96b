import type { CommandDecl } from "../options/types.js";

export const watch: CommandDecl = {
  name: "watch",
  summary: "the monitor, continuously (events, not polling)",
  positionals: [],
  description: `The monitor, continuously: the same pass as "agentmux heartbeat --restart", run when
something happens instead of on a timer:
  - a session's pane dies (a per-session tmux pane-died hook; never a global one),
  - a session appears or disappears, or the tmux server dies (a tmux control-mode
    client attached to the dedicated session "agentmux-monitor", which watch creates
    and never kills; ls does not list it),
  - a new run appears in the state directory,
  - a restart backoff or a stall sample is due, or the fallback timer fires.
A supervisor killed with SIGKILL is marked lost within milliseconds.
One watch per state directory: a second one says so and exits 1. It records its own
heartbeat, so ls, status and heartbeat warn when it died. Stopping it (Ctrl-C, SIGTERM)
never stops an agent. Prints one line whenever a session needs attention or was restarted.`,
  options: [
    {
      long: "no-restart",
      type: "boolean",
      description: "report only; do not apply the restart policy",
    },
    {
      long: "fallback",
      type: "string",
      value: "DUR",
      description: "the slow timer for what no event reports",
      default: "30s",
    },
    {
      long: "idle-exit",
      type: "string",
      value: "DUR",
      description:
        'leave once nothing has been live, due or pending for DUR\n(run, loop and restart start "watch --idle-exit 2m" on demand\nunless the config says "monitor": false)',
    },
  ],
};
