import { Watcher } from "../../monitor/watch.js";
import { parseDuration } from "../../monitor/duration.js";
import { Context } from "../../sessions/context.js";
import { flag, parseDeclared, str } from "../args.js";
import { watch as watchDecl } from "../declarations/watch.js";
import { err, out } from "../output.js";

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(watchDecl, argv);
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
