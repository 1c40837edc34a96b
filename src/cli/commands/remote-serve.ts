import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import { reportRateLimit } from "../../governor/governor.js";
import { streamEvents } from "../../remote/events-source.js";
import { encodeFrame, SERVE_VERSION } from "../../remote/frames.js";
import { parseRequest, type QuickRequest, type RemoteCommand } from "../../remote/protocol.js";
import {
  findServer,
  idleMs,
  rawStdout,
  runFramed,
  serve,
  serverSocketPath,
  startServer,
} from "../../remote/resident.js";
import { stateDir } from "../../store/paths.js";
import { AgentmuxError, isAgentmuxError, show } from "../../util/errors.js";
import { err, out, reportError } from "../output.js";
import { isQuickCommand } from "../remote/quick.js";

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

/** The error in the caller's words (reportError); anything not ours is a bug and is thrown. */
function report(e: unknown, json: boolean): number {
  if (!isAgentmuxError(e)) throw e;
  return reportError(e, json);
}

/** A short request run in this process (the resident server, or op "serve"), as `_remote` runs it. */
async function execQuick(req: QuickRequest): Promise<number> {
  switch (req.op) {
    case "cli": {
      const [cmd, ...rest] = req.argv as [RemoteCommand, ...string[]];
      if (!isQuickCommand(cmd, rest)) {
        return reportError(
          new AgentmuxError("remote", `${cmd} is not answered by the resident server`),
          rest.includes("--json"),
        );
      }
      try {
        return await (await COMMANDS[cmd]()).main(rest);
      } catch (e) {
        return reportError(e, rest.includes("--json"));
      }
    }
    case "pause": {
      const ctx = new Context();
      try {
        reportRateLimit(ctx.store(), req.agent, req.until, req.reason);
        out(JSON.stringify({ ok: true }));
        return 0;
      } catch (e) {
        return reportError(e, true);
      } finally {
        ctx.close();
      }
    }
    case "session-id": {
      const ctx = new Context();
      try {
        out(JSON.stringify({ id: findSession(ctx, req.name).id }));
        return 0;
      } catch (e) {
        return reportError(e, true);
      } finally {
        ctx.close();
      }
    }
  }
}

const accepts = (req: QuickRequest): boolean =>
  req.op !== "cli" || isQuickCommand(req.argv[0] ?? "", req.argv.slice(1));

/** `_remote --serve`: the resident server itself (started detached by op "serve"). */
async function residentServer(): Promise<number> {
  const log = (line: string): void => err(`${new Date().toISOString()} ${line}`);
  await serve({
    socket: serverSocketPath(stateDir(process.env), process.getuid?.() ?? 0),
    idleMs: idleMs(process.env),
    exec: execQuick,
    accepts,
    log,
    signals: true,
  });
  // Work a request left behind (a timer, a watcher) must not keep a server that left alive.
  setTimeout(() => process.exit(0), 2_000).unref();
  return 0;
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
  if (argv[0] === "--serve" && argv.length === 1) return residentServer();
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
    case "serve": {
      // Answer in frames, and leave the resident server running for the next call.
      process.stdin.destroy();
      const server = await findServer(stateDir(process.env));
      // Started after the answer, so its start does not slow this one down.
      const start = (): void => {
        if (!server.up && server.socket !== null) startServer(process.env, server.socket);
      };
      rawStdout(
        encodeFrame({
          t: "hello",
          v: SERVE_VERSION,
          pid: server.pid,
          socket: server.socket,
          up: server.up,
        }),
      );
      if (req.req === undefined) {
        rawStdout(encodeFrame({ t: "exit", code: 0 }));
        start();
        return 0;
      }
      if (!accepts(req.req)) {
        throw new AgentmuxError("remote", "Bad remote request: serve: not a short request");
      }
      const code = await runFramed(req.req, execQuick, (f) => rawStdout(encodeFrame(f)));
      start();
      return code;
    }
    case "stop":
      throw new AgentmuxError("remote", "Bad remote request: stop is asked on the server's socket");
  }
}
