import { Context } from "../../sessions/context.js";
import { removeWith } from "../../api/sessions.js";
import { flag, parse, str } from "../args.js";
import { out, printJson } from "../output.js";

const USAGE = "agentmux rm <name>... [--purge] [--json]";

export async function main(argv: string[]): Promise<number> {
  const p = parse("rm", argv, { purge: { type: "boolean" } }, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nRemoves finished sessions: closes the dead tmux pane and hides the session from ls\n(ls --all still shows it). --purge also deletes its record, logs and run files.`,
    );
    return 0;
  }
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
