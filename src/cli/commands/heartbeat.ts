import { reportLine } from "../../monitor/attention.js";
import { heartbeatWith } from "../../api/monitor.js";
import { Context } from "../../sessions/context.js";
import { flag, parse, str } from "../args.js";
import { out, printJson } from "../output.js";

const USAGE = "agentmux heartbeat [--restart] [--json]";

const HELP = `${USAGE}

One monitor pass, for cron or an AI assistant's heartbeat:
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

Options:
  --restart    apply the restart policy (backoffs up to 10 s are waited for)
  --json       the whole report: sessions[], attention, restarted, orphansEnded,
               notifications, monitor {running, pid, lastBeatAt, warning}
Cron, every 10 minutes:  */10 * * * * agentmux heartbeat --restart`;

export async function main(argv: string[]): Promise<number> {
  const p = parse("heartbeat", argv, { restart: { type: "boolean" } }, USAGE);
  if (flag(p, "help")) {
    out(HELP);
    return 0;
  }
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const report = await heartbeatWith(ctx, { restart: flag(p, "restart") });
    const attention = report.attention > 0 || report.monitor.warning !== null;
    if (flag(p, "json")) {
      printJson(report);
    } else {
      for (const s of report.sessions) out(reportLine(s));
      if (report.monitor.warning) out(`warning: ${report.monitor.warning}`);
      if (!attention) {
        out(`nothing needs attention (${report.checked} session(s) checked, ${report.live} live)`);
      }
    }
    return attention ? 1 : 0;
  } finally {
    ctx.close();
  }
}
