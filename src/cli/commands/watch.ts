import { Watcher } from "../../monitor/watch.js";
import { parseDuration } from "../../monitor/duration.js";
import { Context } from "../../sessions/context.js";
import { flag, parse, str } from "../args.js";
import { err, out } from "../output.js";

const USAGE = "agentmux watch [--no-restart] [--fallback DUR] [--idle-exit DUR]";

const HELP = `${USAGE}

The monitor, continuously: the same pass as "agentmux heartbeat --restart", run when
something happens instead of on a timer:
  - a session's pane dies (a per-session tmux pane-died hook; never a global one),
  - the tmux server dies (watch's blocked "tmux wait-for" client ends),
  - a new run appears in the state directory,
  - a restart backoff or a stall sample is due, or the fallback timer fires.
A supervisor killed with SIGKILL is marked lost within milliseconds.
One watch per state directory: a second one says so and exits 1. It acts only on
its own state directory's sessions, so several on one socket leave each other alone. It records its own
heartbeat, so ls, status and heartbeat warn when it died. Stopping it (Ctrl-C, SIGTERM)
never stops an agent.

Options:
  --no-restart      report only; do not apply the restart policy
  --fallback DUR    the slow timer for what no event reports (default 30s)
  --idle-exit DUR   leave once nothing has been live, due or pending for DUR
                    (run, loop and restart start "watch --idle-exit 2m" on demand
                    unless the config says "monitor": false)
Prints one line whenever a session needs attention or was restarted.`;

export async function main(argv: string[]): Promise<number> {
  const p = parse(
    "watch",
    argv,
    {
      "no-restart": { type: "boolean" },
      fallback: { type: "string" },
      "idle-exit": { type: "string" },
    },
    USAGE,
  );
  if (flag(p, "help")) {
    out(HELP);
    return 0;
  }
  const fallback = str(p, "fallback");
  const idleExit = str(p, "idle-exit");
  const ctx = new Context({ socket: str(p, "socket") });
  const json = flag(p, "json");
  const watcher = new Watcher(ctx, {
    restart: !flag(p, "no-restart"),
    fallbackMs: fallback === undefined ? 30_000 : parseDuration(fallback, "--fallback"),
    ...(idleExit === undefined ? {} : { idleExitMs: parseDuration(idleExit, "--idle-exit") }),
    log: (line) => (json ? out(JSON.stringify({ at: new Date().toISOString(), line })) : out(line)),
  });
  watcher.start();
  const stop = (): void => void watcher.stop();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  process.once("SIGHUP", stop);
  if (!json)
    err(
      `agentmux watch: monitoring (pid ${process.pid}); Ctrl-C stops watching, agents keep running`,
    );
  await watcher.done;
  ctx.close();
  return 0;
}
