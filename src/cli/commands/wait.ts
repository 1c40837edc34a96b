import { waitExitCode, waitWith } from "../../api/wait.js";
import { parseDuration } from "../../monitor/duration.js";
import { Context } from "../../sessions/context.js";
import { isAgentmuxError } from "../../util/errors.js";
import { flag, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { wait as waitDecl } from "../declarations/wait.js";
import { err, flushed, out, printJson } from "../output.js";
import { renderStatus } from "./status.js";

/** Exit status of `agentmux wait` for a session that does not exist (or has no run). */
const UNKNOWN_SESSION = 5;

/**
 * Exit once the answer is out (main() waits for the output to flush): a
 * caller waits for this process to end, and nothing after the answer
 * (a reconcile still asking tmux, the store's watcher closing) may hold it.
 */
export const exitWhenDone = true;

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(waitDecl, argv);
  const name = onePositional(p, "the session name", usageOf(waitDecl));
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
    await flushed();
  }
}
