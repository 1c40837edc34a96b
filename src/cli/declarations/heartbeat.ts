import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const heartbeat: CommandDecl = {
  name: "heartbeat",
  summary: "one monitor pass: lost, orphans, stalls, restarts (cron)",
  positionals: [],
  description: `One monitor pass, for cron or an AI assistant's heartbeat:
  - reconciles every live session with its supervisor and tmux; runs whose supervisor,
    pane or tmux server vanished without recording an exit become "lost"
  - ends agents left running by lost runs (TERM, grace, KILL; by pid and start time)
  - samples running sessions for stalls (no output, no file changes, no CPU for
    --stall-after, default 20m) and notifies once
  - delivers notifications still pending
  - with --restart, restarts what each session's policy says (run --restart; default:
    lost runs only; never after auth, usage-limit, not-found or cli-usage failures)
Prints one line per session that needs attention, with the command that fixes it.
Exit status: 0 nothing needs attention, 1 something does.
--json prints the whole report: sessions[], attention, restarted, orphansEnded,
notifications, monitor {running, pid, lastBeatAt, warning}.`,
  options: [
    HOST_OPTION,
    {
      long: "restart",
      type: "boolean",
      description: "apply the restart policy (backoffs up to 10 s are waited for)",
    },
  ],
  footer: "Cron, every 10 minutes:  */10 * * * * agentmux heartbeat --restart",
};
