import { Context } from "../../sessions/context.js";
import { removeSession } from "../../sessions/control.js";
import { flag, parse, str } from "../args.js";
import { out, printJson } from "../output.js";
import { AgentmuxError } from "../../util/errors.js";

const USAGE = "agentmux rm <name>... [--purge] [--json]";

export async function main(argv: string[]): Promise<number> {
  const p = parse("rm", argv, { purge: { type: "boolean" } }, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nRemoves finished sessions: closes the dead tmux pane and hides the session from ls\n(ls --all still shows it). --purge also deletes its record, logs and run files.`,
    );
    return 0;
  }
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
