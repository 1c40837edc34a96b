import { Context } from "../../sessions/context.js";
import { notificationLine } from "../../sessions/notify-view.js";
import { retryNotifications } from "../../sessions/notify-retry.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, parse, str } from "../args.js";
import { out, printJson } from "../output.js";

const USAGE = "agentmux notify retry <name> [--json]";

const HELP = `${USAGE}

Sends the session's failed notifications again. A delivery that fails is retried
with backoff (5 s doubling to 5 min) for 24 hours, then marked failed; status, ls
and heartbeat show it until this command sends it (or it fails again).
Exit status: 0 when every one was delivered, 1 otherwise.`;

export async function main(argv: string[]): Promise<number> {
  const p = parse("notify", argv, {}, USAGE);
  if (flag(p, "help")) {
    out(HELP);
    return 0;
  }
  const [action, name, ...extra] = p.positionals;
  if (action !== "retry" || name === undefined || extra.length > 0) {
    throw new AgentmuxError(
      "usage",
      action !== "retry"
        ? `Expected "retry" after agentmux notify, got ${show(action ?? "")}`
        : name === undefined
          ? "Expected the session name after agentmux notify retry"
          : `Expected one session name, got ${show([name, ...extra])}`,
      { hint: USAGE },
    );
  }
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const views = await retryNotifications(ctx, name);
    if (flag(p, "json")) printJson(views);
    else {
      for (const v of views) {
        out(`${name}: ${notificationLine(v, name) ?? `${v.channel} ${v.target} delivered`}`);
      }
    }
    return views.every((v) => v.state === "delivered") ? 0 : 1;
  } finally {
    ctx.close();
  }
}
