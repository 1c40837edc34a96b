import { runInteractive } from "../../process/run.js";
import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import type { AttachCommand } from "../../tmux/client.js";
import { AgentmuxError } from "../../util/errors.js";
import { flag, onePositional, parse, str } from "../args.js";
import { out, printJson } from "../output.js";

const USAGE = "agentmux attach <name>";

export async function main(argv: string[]): Promise<number> {
  const p = parse("attach", argv, {}, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nAttach this terminal to the session's tmux session (detach with Ctrl-b d).\nWith --json, prints the tmux argv that would attach instead.`,
    );
    return 0;
  }
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
