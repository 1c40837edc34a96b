import { Context } from "../../sessions/context.js";
import { removeWith } from "../../api/sessions.js";
import { flag, parseDeclared, str } from "../args.js";
import { rm as rmDecl } from "../declarations/rm.js";
import { out, printJson } from "../output.js";

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(rmDecl, argv);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const result = await removeWith(ctx, p.positionals, flag(p, "purge"));
    if (flag(p, "json")) printJson(result);
    else out(result.removed.map((n) => `removed ${n}`).join("\n"));
    return 0;
  } finally {
    ctx.close();
  }
}
