import { Context } from "../../sessions/context.js";
import { notificationLine } from "../../sessions/notify-view.js";
import { retryNotifications } from "../../sessions/notify-retry.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, parseDeclared, str, usageOf } from "../args.js";
import { notify as notifyDecl } from "../declarations/notify.js";
import { out, printJson } from "../output.js";

const USAGE = usageOf(notifyDecl);

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(notifyDecl, argv);
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
