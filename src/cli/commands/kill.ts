import { Context } from "../../sessions/context.js";
import { killWith } from "../../api/sessions.js";
import { flag, onePositional, parse, str } from "../args.js";
import { out, outcome, printJson } from "../output.js";

const USAGE = "agentmux kill <name> [--json]";

export async function main(argv: string[]): Promise<number> {
  const p = parse("kill", argv, {}, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nStops the session's agent: TERM to its process group, KILL after the grace period\n(killGraceSeconds, default 5). The run is recorded as killed, verified and notified;\nits output stays readable (tail, attach) until "agentmux rm".`,
    );
    return 0;
  }
  const name = onePositional(p, "the session name", USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const s = await killWith(ctx, name);
    if (flag(p, "json")) printJson(s);
    else out(`${name}: ${outcome(s)}`);
    return 0;
  } finally {
    ctx.close();
  }
}
