import { reportLine } from "../../monitor/attention.js";
import { heartbeatWith } from "../../api/monitor.js";
import { Context } from "../../sessions/context.js";
import { flag, parseDeclared, str } from "../args.js";
import { heartbeat as heartbeatDecl } from "../declarations/heartbeat.js";
import { out, printJson } from "../output.js";

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(heartbeatDecl, argv);
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
