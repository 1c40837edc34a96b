import { Context } from "../../sessions/context.js";
import { restartSession } from "../../sessions/control.js";
import { statusJson } from "../../sessions/view.js";
import { flag, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { restart as restartDecl } from "../declarations/restart.js";
import { out, printJson } from "../output.js";
import { startMonitorFor } from "../../monitor/autostart.js";

const USAGE = usageOf(restartDecl);

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(restartDecl, argv);
  const name = onePositional(p, "the session name", USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const { session, run } = await restartSession(ctx, name);
    startMonitorFor(ctx, flag(p, "json"));
    if (flag(p, "json")) printJson(statusJson(session, run, run.runNo, undefined));
    else
      out(
        `restarted ${name} — run ${run.runNo}${run.runnerPid ? `, pid ${run.runnerPid}` : ""}\n  follow:  agentmux tail ${name} -f`,
      );
    return 0;
  } finally {
    ctx.close();
  }
}
