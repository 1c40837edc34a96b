import { Context } from "../../sessions/context.js";
import { restartWith } from "../../api/sessions.js";
import { flag, onePositional, parse, str } from "../args.js";
import { out, printJson } from "../output.js";
import { reportMonitor } from "../launched.js";

const USAGE = "agentmux restart <name> [--json]";

export async function main(argv: string[]): Promise<number> {
  const p = parse("restart", argv, {}, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nStarts the session again with the same agent, argv, cwd, environment and prompt,\nas a new run (history is kept). A running session is killed first.`,
    );
    return 0;
  }
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
