import { Context } from "../../sessions/context.js";
import { killSession } from "../../sessions/control.js";
import { statusJson } from "../../sessions/view.js";
import { isLive } from "../../sessions/lifecycle.js";
import { flag, onePositional, parse, str } from "../args.js";
import { out, outcome, printJson } from "../output.js";

const USAGE = "agentmux kill <name> [--wait] [--json]";

/** A kill answers within about a second; the supervisor finishes the job (TERM, grace, KILL). */
const ANSWER_MS = 1_000;

export async function main(argv: string[]): Promise<number> {
  const p = parse("kill", argv, { wait: { type: "boolean" } }, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nStops the session's agent: TERM to its process group, KILL after the grace period\n(killGraceSeconds, default 5). The run is recorded as killed, verified and notified;\nits output stays readable (tail, attach) until "agentmux rm".\nIt answers within about a second: an agent still in its grace period shows as\n"stopping"; --wait waits until the run is recorded. An agent that had already\nexited keeps its own exit (not "killed").`,
    );
    return 0;
  }
  const name = onePositional(p, "the session name", USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const view = await killSession(ctx, name, flag(p, "wait") ? {} : { waitMs: ANSWER_MS });
    const s = statusJson(view.session, view.run, view.run?.runNo ?? 0, undefined);
    const stopping = view.run !== null && isLive(view.run.state);
    if (flag(p, "json")) printJson(stopping ? { ...s, stopping: true } : s);
    else if (stopping) out(`${name}: stopping (TERM sent; KILL after the grace period)`);
    else out(`${name}: ${outcome(s)}`);
    return 0;
  } finally {
    ctx.close();
  }
}
