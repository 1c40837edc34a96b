import { join } from "node:path";
import { flag, intOption, parseDeclared, str } from "../cli/args.js";
import { web as webDecl } from "../cli/declarations/web.js";
import { err, out } from "../cli/output.js";
import { findOnPath } from "../notify/channels/desktop.js";
import { run } from "../process/run.js";
import { Context } from "../sessions/context.js";
import { AgentmuxError, show } from "../util/errors.js";
import { packageRoot } from "../util/paths.js";
import { isLoopback, newToken } from "./security.js";
import { startServer } from "./server.js";

/** The documented default port; --port 0 picks a free one. */
export const DEFAULT_PORT = 7787;

/** `agentmux web`: loaded only by this command, from its own bundle (dist/web/server.js). */
export async function main(argv: string[]): Promise<number> {
  // --help is answered by the CLI's entry from the same declaration.
  const p = parseDeclared(webDecl, argv);
  const port = intOption(p, "port", 0, 65535) ?? DEFAULT_PORT;
  const bind = str(p, "bind") ?? "127.0.0.1";
  const ctx = new Context({ socket: str(p, "socket") });
  const token = newToken();
  const server = await startServer({
    ctx,
    bind,
    port,
    token,
    publicDir: join(packageRoot, "dist", "web", "public"),
  }).catch((e: NodeJS.ErrnoException) => {
    ctx.close();
    if (e.code === "EADDRINUSE") {
      throw new AgentmuxError("exists", `port ${port} on ${bind} is already in use`, {
        hint: "is agentmux web running already? pick another with --port N (0 = any free one)",
      });
    }
    if (e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND") {
      throw new AgentmuxError("bad-value", `--bind ${show(bind)}: not an address of this machine`);
    }
    throw e;
  });
  // Listened for before the URL is printed: whoever reads it may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  const url = `${server.url}#token=${token}`;
  if (flag(p, "json")) out(JSON.stringify({ url, port: server.port, pid: process.pid }));
  else out(`agentmux web: ${url}\n  (Ctrl-C stops it; the token changes every start)`);
  if (!isLoopback(bind)) {
    err(
      `warning: listening on ${bind}: other machines can reach the dashboard; the token is all that protects it, over plain HTTP`,
    );
  }
  if (flag(p, "open")) await Promise.race([openBrowser(ctx.env, url), stopped]);
  await stopped;
  await server.close();
  ctx.close();
  return 0;
}

async function openBrowser(env: NodeJS.ProcessEnv, url: string): Promise<void> {
  const opener = findOnPath("xdg-open", env) ?? findOnPath("open", env);
  if (opener === null) {
    err("agentmux web: no xdg-open here; open the URL above yourself");
    return;
  }
  const res = await run(opener, [url], { env, timeoutMs: 10_000 });
  if (res.exitCode !== 0) err(`agentmux web: ${opener} failed; open the URL above yourself`);
}
