import { Context } from "../../sessions/context.js";
import { removeSession } from "../../sessions/control.js";
import { flag, parseDeclared, str, usageOf } from "../args.js";
import { rm as rmDecl } from "../declarations/rm.js";
import { out, printJson } from "../output.js";
import { AgentmuxError } from "../../util/errors.js";

const USAGE = usageOf(rmDecl);

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(rmDecl, argv);
  if (p.positionals.length === 0)
    throw new AgentmuxError("usage", "missing the session name", { hint: `usage: ${USAGE}` });
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const removed: string[] = [];
    for (const name of p.positionals) {
      await removeSession(ctx, name, { purge: flag(p, "purge") });
      removed.push(name);
    }
    if (flag(p, "json")) printJson({ removed, purged: flag(p, "purge") });
    else out(removed.map((n) => `removed ${n}`).join("\n"));
    return 0;
  } finally {
    ctx.close();
  }
}
