import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import type { LoopInput, RunInput } from "../api/launch.js";
import type { Context } from "../sessions/context.js";
import { findSession } from "../sessions/control.js";
import { AgentmuxError } from "../util/errors.js";
import * as actions from "./actions.js";
import { history } from "./history.js";
import {
  Router,
  argvField,
  field,
  readJson,
  sendError,
  sendFailure,
  sendJson,
  startEvents,
} from "./http.js";
import { PaneStream } from "./pane-stream.js";
import { RemoteHosts, remoteSession } from "./remote-hosts.js";
import { allowedHosts, bearerMatches, hostPart, isWildcard, originAllowed } from "./security.js";
import { serveStatic } from "./static.js";
import { StoreFeed } from "./store-changes.js";

export interface WebOptions {
  ctx: Context;
  /** Address to listen on; loopback unless the user asked otherwise. */
  bind: string;
  /** 0 = any free port. */
  port: number;
  token: string;
  /** The built page (dist/web/public). */
  publicDir: string;
}

export interface WebServer {
  url: string;
  port: number;
  /** Stops listening and ends every open stream. */
  close(): Promise<void>;
}

/**
 * The dashboard's HTTP server. Every request passes the Host check (421) and
 * the Origin check (403); every /api request needs the bearer token (401).
 * The page itself (HTML, script, styles) is public: it holds no data, and it
 * must load to read the token from the URL's fragment.
 */
export async function startServer(opts: WebOptions): Promise<WebServer> {
  const { ctx } = opts;
  const changes = new StoreFeed(() => ctx.store());
  // Remote hosts' sessions: their own feed and event, so the local list never waits for a host.
  const fleet = new RemoteHosts(ctx);
  const streams = new Set<{ end(): void }>();
  let hosts = new Set<string>();

  const router = new Router()
    .add("GET", "/api/sessions", async (req, res) => {
      const all = new URL(req.url ?? "/", "http://x").searchParams.get("all") === "1";
      sendJson(res, 200, await actions.list(ctx, all));
    })
    .add("GET", "/api/sessions/:name", async (_req, res, p) => {
      sendJson(res, 200, await actions.status(ctx, p.name ?? ""));
    })
    .add("GET", "/api/hosts", async (_req, res) => {
      // A page that only asks (no event stream) gets the hosts asked now, within the deadline.
      const stop = fleet.subscribe(() => undefined);
      try {
        await fleet.settled();
        sendJson(res, 200, fleet.view());
      } finally {
        stop();
      }
    })
    .add("GET", "/api/hosts/:host/sessions/:name", async (_req, res, p) => {
      sendJson(res, 200, await remoteSession(ctx, p.host ?? "", actions.sessionName(p.name ?? "")));
    })
    .add("GET", "/api/sessions/:name/history", (_req, res, p) => {
      sendJson(res, 200, history(ctx, p.name ?? ""));
      return Promise.resolve();
    })
    .add("POST", "/api/sessions/:name/kill", async (req, res, p) => {
      await readJson(req);
      sendJson(res, 200, await actions.kill(ctx, p.name ?? ""));
      changes.notify();
    })
    .add("POST", "/api/sessions/:name/restart", async (req, res, p) => {
      await readJson(req);
      sendJson(res, 200, await actions.restart(ctx, p.name ?? ""));
      changes.notify();
    })
    .add("POST", "/api/sessions/:name/remove", async (req, res, p) => {
      const body = await readJson(req);
      sendJson(res, 200, await actions.remove(ctx, p.name ?? "", body.purge === true));
      changes.notify();
    })
    .add("POST", "/api/sessions/:name/input", async (req, res, p) => {
      const body = await readJson(req);
      const text = body.text;
      if (typeof text !== "string") {
        throw new AgentmuxError(
          "usage",
          `text: expected the line to type, got ${JSON.stringify(text)}`,
        );
      }
      await actions.sendInput(ctx, p.name ?? "", text);
      sendJson(res, 200, { sent: true });
    })
    .add("POST", "/api/runs", async (req, res) => {
      const body = await readJson(req);
      const input: RunInput = {
        agent: field(body, "agent", true),
        args: argvField(body, "command"),
      };
      for (const k of ["prompt", "cwd", "name"] as const) {
        const v = field(body, k);
        if (v !== undefined) input[k] = v;
      }
      sendJson(res, 201, await actions.startRun(ctx, input));
      changes.notify();
    })
    .add("POST", "/api/loops", async (req, res) => {
      const body = await readJson(req);
      const input: LoopInput = { args: argvField(body, "command") };
      for (const k of ["agent", "prd", "check", "cwd", "name"] as const) {
        const v = field(body, k);
        if (v !== undefined) input[k] = v;
      }
      sendJson(res, 201, await actions.startLoop(ctx, input));
      changes.notify();
    })
    .add("GET", "/api/events", async (req, res) => {
      // The list, now and after every store change.
      const events = startEvents(res);
      let busy = false;
      let again = false;
      const push = async (): Promise<void> => {
        if (busy) {
          again = true;
          return;
        }
        busy = true;
        try {
          do {
            again = false;
            events.send("sessions", JSON.stringify(await actions.list(ctx)));
          } while (again);
        } catch (e) {
          events.send("failure", JSON.stringify({ message: (e as Error).message }));
        } finally {
          busy = false;
        }
      };
      const unsubscribe = changes.subscribe(() => void push());
      // The hosts' sessions come as their own event, whenever a host's list changes.
      const pushHosts = (): void => events.send("hosts", JSON.stringify(fleet.view()));
      const unsubscribeHosts = fleet.subscribe(pushHosts);
      const stream = { end: () => res.end() };
      streams.add(stream);
      req.on("close", () => {
        unsubscribe();
        unsubscribeHosts();
        events.close();
        streams.delete(stream);
      });
      // The local list first; the hosts' only where there are hosts.
      await push();
      if (ctx.store().listHosts().length > 0) pushHosts();
    })
    .add("GET", "/api/sessions/:name/stream", async (req, res, p) => {
      const session = findSession(ctx, actions.sessionName(p.name ?? ""));
      const events = startEvents(res);
      const pane = new PaneStream(ctx, session, events);
      const unsubscribe = changes.subscribe(() => void pane.storeChanged());
      const stream = { end: () => res.end() };
      streams.add(stream);
      req.on("close", () => {
        pane.close();
        unsubscribe();
        events.close();
        streams.delete(stream);
      });
      const last = req.headers["last-event-id"];
      await pane.start(typeof last === "string" ? last : undefined);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hosts.has(req.headers.host ?? "")) {
      sendError(
        res,
        421,
        "misdirected",
        `This server answers to ${[...hosts].join(" or ")}, not ${JSON.stringify(req.headers.host ?? "")}`,
      );
      return;
    }
    const origin = req.headers.origin;
    if (!originAllowed(origin, hosts) || req.headers["sec-fetch-site"] === "cross-site") {
      sendError(
        res,
        403,
        "forbidden",
        `Requests from ${JSON.stringify(origin ?? "another site")} are refused`,
      );
      return;
    }
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (!path.startsWith("/api/")) {
      if (req.method !== "GET" && req.method !== "HEAD") {
        sendError(res, 405, "method", `${req.method ?? ""} ${path}: the page is read-only`);
        return;
      }
      serveStatic(opts.publicDir, path, res);
      return;
    }
    if (!bearerMatches(req.headers.authorization, opts.token)) {
      res.setHeader("www-authenticate", 'Bearer realm="agentmux"');
      sendError(
        res,
        401,
        "unauthorized",
        "Missing or wrong token",
        "open the URL agentmux web printed (it carries #token=...)",
      );
      return;
    }
    const route = router.match(req.method ?? "GET", path);
    if ("status" in route) {
      if (route.allow) res.setHeader("allow", route.allow);
      sendError(
        res,
        route.status,
        route.status === 404 ? "not-found" : "method",
        `${req.method ?? ""} ${path}: no such endpoint`,
      );
      return;
    }
    try {
      await route.handler(req, res, route.params);
    } catch (e) {
      if (res.headersSent) res.end();
      else sendFailure(res, e);
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.bind, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const addresses = Object.values(networkInterfaces()).flatMap((list) =>
    (list ?? []).map((i) => i.address),
  );
  hosts = allowedHosts(opts.bind, port, addresses);
  return {
    // A wildcard bind is reached here through loopback.
    url: `http://${isWildcard(opts.bind) ? "127.0.0.1" : hostPart(opts.bind)}:${port}/`,
    port,
    close: async () => {
      changes.stop();
      await fleet.stop();
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
