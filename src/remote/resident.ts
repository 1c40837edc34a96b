import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  renameSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startDetachedLogged } from "../process/detached.js";
import { mainJs } from "../util/paths.js";
import {
  encodeFrame,
  LineSplitter,
  outputFrame,
  parseFrame,
  SERVE_VERSION,
  type Frame,
} from "./frames.js";
import { isQuick, parseRequest, type QuickRequest } from "./protocol.js";
import { PLAIN_PATH_RE } from "./ssh.js";

/**
 * The host side of the fast path: one resident `agentmux _remote --serve`
 * per user and state directory, answering requests on a unix socket that
 * only its user can reach. The caller's shared ssh connection forwards a
 * local socket to it (`ssh -O forward -L`), so a warm call is one request
 * over a channel of the existing connection: no ssh session, no login
 * shell, no Node start on the host. It leaves after IDLE_MS without a
 * request, when its code is replaced (an upgrade) or when another server
 * took its socket over.
 */

/** How long a resident server stays without requests ($AGENTMUX_SERVE_IDLE_MS). */
export const IDLE_MS = 10 * 60_000;

export function idleMs(env: NodeJS.ProcessEnv): number {
  const v = Number(env.AGENTMUX_SERVE_IDLE_MS);
  return Number.isInteger(v) && v > 0 ? v : IDLE_MS;
}

/** Where the server's socket lives: under the state dir, or in a private /tmp dir when that path is long or odd. */
export function serverSocketPath(stateDir: string, uid: number): string {
  const own = join(stateDir, "serve", "s.sock");
  if (PLAIN_PATH_RE.test(own)) return own;
  const h = createHash("sha1").update(stateDir).digest("hex").slice(0, 12);
  return join(tmpdir(), `agentmux-serve-${uid}-${h}`, "s.sock");
}

/**
 * Make (or check) the socket's directory: a real directory owned by this
 * user, reachable by nobody else (the socket runs commands as this user).
 */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.() ?? 0;
  if (!st.isDirectory() || st.uid !== uid) {
    throw new Error(`${dir} is not a directory of this user`);
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** What the code on disk is: a server whose code was replaced (an upgrade) leaves. */
export function codeStamp(): string {
  const bundle = join(dirname(mainJs), "bundle.js");
  try {
    const st = statSync(existsSync(bundle) ? bundle : mainJs);
    return `${st.ino}:${st.mtimeMs}:${st.size}`;
  } catch {
    return "none";
  }
}

/** Read the first frame a server sends (its hello); null when nothing answers within `timeoutMs`. */
export function probeServer(socket: string, timeoutMs: number): Promise<Frame | null> {
  return new Promise((resolve) => {
    const c = connect(socket);
    const done = (f: Frame | null): void => {
      clearTimeout(timer);
      c.destroy();
      resolve(f);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    c.setEncoding("utf8");
    const lines = new LineSplitter((l) => done(parseFrame(l)));
    c.on("data", (d: string) => lines.push(d));
    c.on("error", () => done(null));
    c.on("close", () => done(null));
  });
}

/**
 * The server's socket here and whether a server answers on it. Never
 * throws: a host where no server can run is answered the slow way (socket null).
 */
export async function findServer(
  stateDir: string,
): Promise<{ socket: string | null; up: boolean; pid: number }> {
  try {
    const socket = serverSocketPath(stateDir, process.getuid?.() ?? 0);
    privateDir(dirname(socket));
    const hello = await probeServer(socket, 1_000);
    if (hello?.t === "hello" && hello.v === SERVE_VERSION) {
      return { socket, up: true, pid: hello.pid };
    }
    return { socket, up: false, pid: 0 };
  } catch {
    return { socket: null, up: false, pid: 0 };
  }
}

/** Start the resident server in the background (its own session; output to serve.log beside its socket). */
export function startServer(env: NodeJS.ProcessEnv, socket: string): number | null {
  try {
    return startDetachedLogged(process.execPath, [mainJs, "_remote", "--serve"], {
      env,
      logFile: join(dirname(socket), "serve.log"),
    });
  } catch {
    return null; // the next call tries again, and is answered the slow way meanwhile
  }
}

type Sink = (stream: "out" | "err", chunk: string | Uint8Array) => void;
const sinks = new AsyncLocalStorage<Sink>();
let routed = false;
type Write = (...a: unknown[]) => boolean;
let rawOut: Write | null = null;

/** Write to the real stdout, past the routing (the frames themselves). */
export function rawStdout(text: string): void {
  (rawOut ?? (process.stdout.write.bind(process.stdout) as Write))(text);
}

/**
 * Route what a command writes to process.stdout/stderr into the frames of
 * the request it serves (several run at once in one server): each request
 * runs in its own async context, and so does everything it starts.
 */
export function routeOutput(): void {
  if (routed) return;
  routed = true;
  for (const [stream, name] of [
    [process.stdout, "out"],
    [process.stderr, "err"],
  ] as const) {
    const original = stream.write.bind(stream) as Write;
    if (name === "out") rawOut = original;
    stream.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const sink = sinks.getStore();
      if (!sink) return original(chunk, ...rest);
      sink(name, chunk);
      const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      if (cb) queueMicrotask(cb);
      return true;
    };
  }
}

/** Run one request with its output turned into frames for `send`; resolves with its exit code. */
export function runFramed(
  req: QuickRequest,
  exec: (req: QuickRequest) => Promise<number>,
  send: (frame: Frame) => void,
): Promise<number> {
  routeOutput();
  let open = true;
  const sink: Sink = (stream, chunk) => {
    // Writes from work the command left running after it answered go nowhere.
    if (open) send(outputFrame(stream, chunk));
  };
  return sinks
    .run(sink, () => exec(req))
    .then((code) => {
      open = false;
      send({ t: "exit", code: code & 255 });
      return code;
    });
}

export interface ServeOptions {
  socket: string;
  idleMs: number;
  exec: (req: QuickRequest) => Promise<number>;
  /** Whether this request is one to run here (short, ends on its own). */
  accepts: (req: QuickRequest) => boolean;
  log: (line: string) => void;
  /** Leave on TERM, INT and HUP (the server process; not a test that runs one inside itself). */
  signals?: boolean;
  /** Called once the socket is in place. */
  onReady?: () => void;
}

/** Run the resident server until it is idle, stopped, replaced or its code changes. */
export function serve(opts: ServeOptions): Promise<void> {
  privateDir(dirname(opts.socket));
  const stamp = codeStamp();
  const tmp = `${opts.socket}.${process.pid}`;
  let ino = 0;
  let active = 0;
  let last = Date.now();
  let closing = false;
  return new Promise((resolve, reject) => {
    const server: Server = createServer((c) => {
      active++;
      last = Date.now();
      c.on("error", () => undefined); // a caller that went away
      c.on("close", () => {
        active--;
        last = Date.now();
      });
      handle(c);
    });
    const mine = (): boolean => {
      try {
        return lstatSync(opts.socket).ino === ino;
      } catch {
        return false;
      }
    };
    const shutdown = (why: string): void => {
      if (closing) return;
      closing = true;
      clearInterval(tick);
      opts.log(`resident server ${process.pid} leaves: ${why}`);
      if (mine()) {
        try {
          unlinkSync(opts.socket);
        } catch {
          // gone already
        }
      }
      server.close(() => resolve());
    };
    const send = (c: Socket, f: Frame): void => {
      if (!c.destroyed) c.write(encodeFrame(f));
    };
    const handle = (c: Socket): void => {
      if (codeStamp() !== stamp) {
        send(c, { t: "refused", why: "stale" });
        c.end();
        shutdown("its code was replaced");
        return;
      }
      send(c, { t: "hello", v: SERVE_VERSION, pid: process.pid, socket: opts.socket, up: true });
      let got = false;
      c.setEncoding("utf8");
      const lines = new LineSplitter((line) => {
        if (got) return;
        got = true;
        c.pause();
        let req;
        try {
          req = parseRequest(line);
        } catch (e) {
          send(c, { t: "refused", why: (e as Error).message });
          c.end();
          return;
        }
        if (req.op === "stop") {
          send(c, { t: "exit", code: 0 });
          c.end();
          shutdown("asked to stop");
          return;
        }
        if (!isQuick(req) || !opts.accepts(req)) {
          send(c, { t: "refused", why: `op ${req.op} is not served here` });
          c.end();
          return;
        }
        void runFramed(req, opts.exec, (f) => send(c, f)).then(
          () => c.end(),
          (e: unknown) => {
            opts.log(`request failed: ${String(e)}`);
            c.destroy();
          },
        );
      });
      c.on("data", (d: string) => lines.push(d));
    };
    // Idle, replaced (another server renamed its socket over ours) or removed: leave.
    const tick = setInterval(
      () => {
        if (!mine()) shutdown("its socket was taken over or removed");
        else if (active === 0 && Date.now() - last >= opts.idleMs) shutdown("idle");
      },
      Math.min(opts.idleMs, 30_000),
    );
    tick.unref();
    server.on("error", (e) => {
      clearInterval(tick);
      reject(e);
    });
    try {
      unlinkSync(tmp);
    } catch {
      // none left over
    }
    server.listen(tmp, () => {
      // Bound under a private name, then renamed into place: the last server to start wins the path atomically.
      ino = lstatSync(tmp).ino;
      renameSync(tmp, opts.socket);
      opts.log(`resident server ${process.pid} on ${opts.socket}`);
      opts.onReady?.();
    });
    if (opts.signals === true) {
      for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
        process.once(sig, () => shutdown(sig));
      }
    }
  });
}
