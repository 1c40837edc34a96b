import { Context } from "../../sessions/context.js";
import { killWith } from "../../api/sessions.js";
import { flag, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { kill as killDecl } from "../declarations/kill.js";
import { out, outcome, printJson } from "../output.js";

const USAGE = usageOf(killDecl);

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(killDecl, argv);
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
