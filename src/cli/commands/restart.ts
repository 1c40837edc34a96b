import { Context } from "../../sessions/context.js";
import { restartWith } from "../../api/sessions.js";
import { flag, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { restart as restartDecl } from "../declarations/restart.js";
import { out, printJson } from "../output.js";
import { reportMonitor } from "../launched.js";

const USAGE = usageOf(restartDecl);

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(restartDecl, argv);
  const name = onePositional(p, "the session name", USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const launched = await restartWith(ctx, name);
    reportMonitor(ctx, launched, flag(p, "json"));
    const s = launched.status;
    if (flag(p, "json")) printJson(s);
    else
      out(
        `restarted ${name} — run ${s.run ?? "-"}${s.pid ? `, pid ${s.pid}` : ""}\n  follow:  agentmux tail ${name} -f`,
      );
    return 0;
  } finally {
    ctx.close();
  }
}
