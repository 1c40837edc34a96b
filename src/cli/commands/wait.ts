import { waitExitCode, waitWith } from "../../api/wait.js";
import { parseDuration } from "../../monitor/duration.js";
import { Context } from "../../sessions/context.js";
import { isAgentmuxError } from "../../util/errors.js";
import { flag, onePositional, parse, str } from "../args.js";
import { err, out, printJson } from "../output.js";
import { renderStatus } from "./status.js";

const USAGE = "agentmux wait <name> [--timeout DUR] [--json]";

/** Exit status of `agentmux wait` for a session that does not exist (or has no run). */
const UNKNOWN_SESSION = 5;

const HELP = `${USAGE}

Waits until the session's current run has finished (woken by the store, not by polling),
then prints its status (--json: the same object as "agentmux status --json").
A run that has already finished returns at once.

Exit status: how the run ended
  0    succeeded
  1    failed
  2    usage error (bad option)
  3    lost (its supervisor or tmux went away without recording an exit)
  4    killed (agentmux kill)
  5    no such session, or it has no run yet
  124  --timeout came first; the run goes on
Options:
  --timeout DUR   give up after DUR (90s, 45m, 2h); default: as long as it takes`;

export async function main(argv: string[]): Promise<number> {
  const p = parse("wait", argv, { timeout: { type: "string" } }, USAGE);
  if (flag(p, "help")) {
    out(HELP);
    return 0;
  }
  const name = onePositional(p, "the session name", USAGE);
  const timeout = str(p, "timeout");
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout, "--timeout");
  const json = flag(p, "json");
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const r = await waitWith(ctx, { name, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    if (json) printJson(r.status);
    else {
      out(renderStatus(r.status));
      if (r.timedOut) err(`agentmux: ${name} is still ${r.status.state} after ${timeout ?? ""}`);
    }
    return waitExitCode(r);
  } catch (e) {
    // One line and its own status, so a script tells "no such session" from "it failed".
    if (isAgentmuxError(e) && (e.code === "not-found" || e.code === "state")) {
      if (json) out(JSON.stringify({ error: e.toJSON() }));
      err(`agentmux: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ""}`);
      return UNKNOWN_SESSION;
    }
    throw e;
  } finally {
    ctx.close();
  }
}
