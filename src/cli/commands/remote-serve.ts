import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import { reportRateLimit } from "../../governor/governor.js";
import { streamEvents } from "../../remote/events-source.js";
import { parseRequest, type RemoteCommand } from "../../remote/protocol.js";
import { AgentmuxError, isAgentmuxError, show } from "../../util/errors.js";
import { err, out } from "../output.js";

/**
 * `agentmux _remote`: the one command another machine runs here over ssh.
 * The command line is fixed; the request is one JSON line on stdin
 * (remote/protocol.ts). `_remote --attach ID` is the one form with an
 * argument, a session id (digits), because attaching needs the terminal
 * that stdin would otherwise be.
 */
const COMMANDS: Record<RemoteCommand, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  run: () => import("./run.js"),
  loop: () => import("./loop.js"),
  ls: () => import("./ls.js"),
  status: () => import("./status.js"),
  tail: () => import("./tail.js"),
  kill: () => import("./kill.js"),
  restart: () => import("./restart.js"),
  rm: () => import("./rm.js"),
  verify: () => import("./verify.js"),
  wait: () => import("./wait.js"),
  heartbeat: () => import("./heartbeat.js"),
  doctor: () => import("./doctor.js"),
};

/** The first line of stdin; the rest of stdin is left to signal when the caller goes away. */
function readRequestLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const onData = (chunk: string): void => {
      buf += chunk;
      const nl = buf.indexOf("\n");
      if (nl === -1) return;
      process.stdin.off("data", onData);
      process.stdin.off("end", onEnd);
      process.stdin.pause();
      resolve(buf.slice(0, nl));
    };
    const onEnd = (): void => {
      if (buf.length > 0) resolve(buf);
      else reject(new AgentmuxError("usage", "_remote reads one JSON request on stdin; got none"));
    };
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", onData);
    process.stdin.once("end", onEnd);
    process.stdin.once("error", reject);
  });
}

/** Resolves when the caller's end of stdin closes (its ssh went away). */
function callerGone(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.once("end", () => resolve());
    process.stdin.once("close", () => resolve());
    process.stdin.resume();
    process.stdin.on("data", () => undefined);
  });
}

/** The error in the caller's words: JSON on stdout for --json, one line with a hint on stderr. */
function report(e: unknown, json: boolean): number {
  if (!isAgentmuxError(e)) throw e;
  if (json) out(JSON.stringify({ error: e.toJSON() }));
  err(`agentmux: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ""}`);
  return e.code === "usage" ? 2 : 1;
}

async function attach(id: string): Promise<number> {
  if (!/^\d{1,12}$/.test(id)) {
    throw new AgentmuxError("usage", `_remote --attach: expected a session id, got ${show(id)}`);
  }
  const ctx = new Context();
  let name: string;
  try {
    const s = ctx.store().getSessionById(Number(id));
    if (!s || s.removedAt !== null) {
      throw new AgentmuxError("not-found", `No session with id ${id} here`, {
        hint: "agentmux ls lists them",
      });
    }
    name = s.name;
  } finally {
    ctx.close();
  }
  const mod = await import("./attach.js");
  return mod.main([name]);
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--attach") return attach(argv[1] ?? "");
  if (argv.length > 0) {
    throw new AgentmuxError("usage", `_remote takes its request on stdin, got ${show(argv[0])}`);
  }
  const req = parseRequest(await readRequestLine());
  switch (req.op) {
    case "cli": {
      const [cmd, ...rest] = req.argv as [RemoteCommand, ...string[]];
      // A follower (tail -f) ends when the caller does, not at its next line of output.
      if (cmd === "tail") void callerGone().then(() => process.exit(0));
      // Otherwise stdin is done with: an open pipe would keep this process alive.
      else process.stdin.destroy();
      try {
        const mod = await COMMANDS[cmd]();
        return await mod.main(rest);
      } catch (e) {
        return report(e, rest.includes("--json"));
      } finally {
        process.stdin.destroy();
      }
    }
    case "events": {
      const ctx = new Context();
      try {
        await streamEvents(ctx, (line) => out(JSON.stringify(line)), callerGone());
        return 0;
      } finally {
        ctx.close();
      }
    }
    case "pause": {
      process.stdin.destroy();
      const ctx = new Context();
      try {
        reportRateLimit(ctx.store(), req.agent, req.until, req.reason);
        out(JSON.stringify({ ok: true }));
        return 0;
      } finally {
        ctx.close();
      }
    }
    case "session-id": {
      process.stdin.destroy();
      const ctx = new Context();
      try {
        out(JSON.stringify({ id: findSession(ctx, req.name).id }));
        return 0;
      } catch (e) {
        return report(e, true);
      } finally {
        ctx.close();
      }
    }
  }
}
