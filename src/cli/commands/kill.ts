import { Context } from "../../sessions/context.js";
import { killSession } from "../../sessions/control.js";
import { statusJson } from "../../sessions/view.js";
import { isLive } from "../../sessions/lifecycle.js";
import { flag, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { kill as killDecl } from "../declarations/kill.js";
import { out, outcome, printJson } from "../output.js";

const USAGE = usageOf(killDecl);

/** A kill answers within about a second; the supervisor finishes the job (TERM, grace, KILL). */
const ANSWER_MS = 1_000;

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(killDecl, argv);
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
