import { ackRun } from "../../monitor/ack.js";
import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { ack as ackDecl } from "../declarations/ack.js";
import { out, printJson } from "../output.js";

const USAGE = usageOf(ackDecl);

export function main(argv: string[]): Promise<number> {
  return Promise.resolve(ack(argv));
}

function ack(argv: string[]): number {
  const p = parseDeclared(ackDecl, argv);
  const name = onePositional(p, "the session name", USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const store = ctx.store();
    const session = findSession(ctx, name);
    const run = store.latestRun(session.id);
    if (run === null) {
      throw new AgentmuxError("state", `Session ${show(name)} has no run to acknowledge`);
    }
    ackRun(store, run.id);
    if (flag(p, "json")) printJson({ name, run: run.runNo, state: run.state, acked: true });
    else
      out(
        `${name}: run ${run.runNo} (${run.state}) acknowledged; heartbeat no longer alarms for it`,
      );
    return 0;
  } finally {
    ctx.close();
  }
}
