import { runInteractive } from "../../process/run.js";
import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import type { AttachCommand } from "../../tmux/client.js";
import { AgentmuxError } from "../../util/errors.js";
import { flag, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { attach as attachDecl } from "../declarations/attach.js";
import { printJson } from "../output.js";

const USAGE = usageOf(attachDecl);

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(attachDecl, argv);
  const name = onePositional(p, "the session name", USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  let attach: AttachCommand;
  try {
    const session = findSession(ctx, name);
    const tmux = ctx.tmux(session.spec.socket);
    if (!(await tmux.hasSession(session.name))) {
      throw new AgentmuxError("not-found", `tmux session "${name}" is gone`, {
        hint: `agentmux tail ${name} shows its recorded output`,
      });
    }
    attach = tmux.attachArgs(session.name, ctx.env);
  } finally {
    ctx.close();
  }
  if (flag(p, "json")) {
    printJson({ name, argv: [attach.command, ...attach.args] });
    return 0;
  }
  if (!process.stdin.isTTY) {
    throw new AgentmuxError("usage", "attach needs a terminal", {
      hint: `agentmux tail ${name} -f works anywhere`,
    });
  }
  return runInteractive(attach.command, attach.args, { env: attach.env });
}
