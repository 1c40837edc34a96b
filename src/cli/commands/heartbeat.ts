import { reportLine } from "../../monitor/attention.js";
import { heartbeatPass } from "../../monitor/heartbeat.js";
import { Context } from "../../sessions/context.js";
import { notificationLine } from "../../sessions/notify-view.js";
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
               notifications {delivered, failed[], retrying[]},
               monitor {running, pid, lastBeatAt, warning}
Cron, every 10 minutes:  */10 * * * * agentmux heartbeat --restart`;

/** Backoffs this short are waited for inside one heartbeat; longer ones wait for the next. */
const INLINE_RESTART_WAIT_MS = 10_000;

export async function main(argv: string[]): Promise<number> {
  const p = parse("heartbeat", argv, { restart: { type: "boolean" } }, USAGE);
  if (flag(p, "help")) {
    out(HELP);
    return 0;
  }
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const report = await heartbeatPass(ctx, {
      restart: flag(p, "restart"),
      maxRestartWaitMs: INLINE_RESTART_WAIT_MS,
    });
    const attention = report.attention > 0 || report.monitor.warning !== null;
    if (flag(p, "json")) {
      printJson(report);
    } else {
      for (const s of report.sessions) out(reportLine(s));
      for (const n of report.notifications.failed) {
        out(`${n.name}: ${notificationLine(n, n.name) ?? "notification failed"}`);
      }
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
