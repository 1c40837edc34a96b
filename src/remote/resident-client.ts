import { createHash } from "node:crypto";
import { existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { ThroughResult } from "../process/through.js";
import type { HostRow } from "../store/hosts.js";
import { frameBytes, LineSplitter, parseFrame, SERVE_VERSION, type Frame } from "./frames.js";
import { encodeRequest, type QuickRequest, type Request } from "./protocol.js";
import { PLAIN_PATH_RE } from "./ssh.js";

/**
 * This machine's side of the fast path: a request to the host's resident
 * server through the local end of a forward on the host's shared ssh
 * connection (STATE/ssh/<key>.fwd), and what this machine remembers per
 * host (<key>.json: the server's socket there, or that the fast path is
 * off for a while because the host cannot offer it).
 */

export interface ResidentPaths {
  /** The local end of the forward (a unix socket the ssh master listens on). */
  fwd: string;
  /** What is known about the host's server. */
  state: string;
}

export interface ResidentState {
  /** The server's socket on the host, as it said. */
  remote?: string;
  /** Calls that found the forward up but no server behind it although one ran (forwarding refused there). */
  failures?: number;
  /** Until then (ms since epoch), calls take the slow path without trying. */
  offUntil?: number;
  why?: string;
}

/** After a host could not offer the fast path: ask again after this long. */
export const OFF_MS = 10 * 60_000;

/** One key per host entry: a host removed and added with another destination starts afresh. */
export function residentPaths(
  controlDir: string,
  host: Pick<HostRow, "name" | "dest" | "port" | "identity" | "agentmux">,
): ResidentPaths {
  const key = createHash("sha1")
    .update(
      [host.name, host.dest, host.port ?? "", host.identity ?? "", host.agentmux ?? ""].join("\0"),
    )
    .digest("hex")
    .slice(0, 16);
  return { fwd: join(controlDir, `${key}.fwd`), state: join(controlDir, `${key}.json`) };
}

export function readState(file: string): ResidentState {
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (typeof v !== "object" || v === null) return {};
    const r = v as Record<string, unknown>;
    const s: ResidentState = {};
    if (typeof r.remote === "string" && PLAIN_PATH_RE.test(r.remote)) s.remote = r.remote;
    if (typeof r.failures === "number") s.failures = r.failures;
    if (typeof r.offUntil === "number") s.offUntil = r.offUntil;
    if (typeof r.why === "string") s.why = r.why;
    return s;
  } catch {
    return {}; // none yet, or unreadable: found out again
  }
}

export function writeState(file: string, s: ResidentState): void {
  try {
    writeFileSync(file, `${JSON.stringify(s)}\n`, { mode: 0o600 });
  } catch {
    // only a cache: the next call finds out again
  }
}

export function forget(paths: ResidentPaths): void {
  for (const f of [paths.fwd, paths.state]) {
    try {
      unlinkSync(f);
    } catch {
      // not there
    }
  }
}

/** What a decoded answer adds up to (shared by the socket and the ssh `serve` op). */
export class AnswerReader {
  hello: Extract<Frame, { t: "hello" }> | null = null;
  exit: number | null = null;
  refused: string | null = null;
  /** Output frames seen (passed on to the user, or kept). */
  emitted = false;
  /** A line after the hello that is not a frame: the stream is not ours. */
  garbled = false;
  private readonly out: Buffer[] = [];
  private errTail = "";
  private readonly lines = new LineSplitter((l) => this.line(l));

  constructor(private readonly opts: { stdout: "inherit" | "capture"; echoStderr: boolean }) {}

  push(chunk: string): void {
    this.lines.push(chunk);
  }

  private line(l: string): void {
    const f = parseFrame(l);
    if (this.hello === null) {
      // Before the hello, a login shell may print a banner: not ours, skipped.
      if (f?.t === "hello") this.hello = f;
      return;
    }
    if (f === null || f.t === "hello") {
      this.garbled = true;
      return;
    }
    if (f.t === "exit") this.exit = f.code;
    else if (f.t === "refused") this.refused = f.why;
    else {
      this.emitted = true;
      const bytes = frameBytes(f);
      if (f.t === "out") {
        if (this.opts.stdout === "inherit") process.stdout.write(bytes);
        else this.out.push(bytes);
      } else {
        if (this.opts.echoStderr) process.stderr.write(bytes);
        this.errTail = (this.errTail + bytes.toString("utf8")).slice(-4096);
      }
    }
  }

  result(): ThroughResult {
    return {
      exitCode: this.exit,
      signal: null,
      stdout: Buffer.concat(this.out).toString("utf8"),
      stderr: this.errTail,
      timedOut: false,
    };
  }
}

export type Attempt =
  | { kind: "done"; result: ThroughResult }
  /** Nothing listens on the local end: no forward (a new or gone shared connection). */
  | { kind: "no-forward" }
  /** The forward is there but no server answered behind it (not started, idle, died, replaced). */
  | { kind: "no-server" }
  /** The server will not run this request: ask the slow way. */
  | { kind: "refused"; why: string };

const NO_LISTENER = new Set(["ENOENT", "ECONNREFUSED", "ENOTSOCK", "ENOTDIR"]);

/**
 * One request over the forward. The outcome says whether it was answered,
 * or why not, so the caller can take the slow path with nothing shown twice:
 * a request whose output has started is never repeated.
 */
export function askResident(
  fwd: string,
  req: QuickRequest | Extract<Request, { op: "stop" }>,
  opts: { stdout: "inherit" | "capture"; echoStderr: boolean; timeoutMs: number },
): Promise<Attempt> {
  return new Promise((resolve) => {
    const reader = new AnswerReader(opts);
    let connected = false;
    let settled = false;
    const c = connect(fwd);
    const finish = (a: Attempt): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      c.destroy();
      resolve(a);
    };
    const timer =
      opts.timeoutMs > 0
        ? setTimeout(() => {
            const r = reader.result();
            finish({ kind: "done", result: { ...r, exitCode: null, timedOut: true } });
          }, opts.timeoutMs)
        : undefined;
    c.setEncoding("utf8");
    c.on("connect", () => {
      connected = true;
      c.write(encodeRequest(req));
    });
    c.on("data", (d: string) => {
      reader.push(d);
      if (reader.hello && reader.hello.v !== SERVE_VERSION) finish({ kind: "no-server" });
      else if (reader.refused !== null) {
        finish(
          reader.refused === "stale"
            ? { kind: "no-server" }
            : { kind: "refused", why: reader.refused },
        );
      } else if (reader.garbled && !reader.emitted) finish({ kind: "no-server" });
      else if (reader.exit !== null) finish({ kind: "done", result: reader.result() });
    });
    c.on("error", (e: NodeJS.ErrnoException) => {
      if (!connected && NO_LISTENER.has(e.code ?? "")) finish({ kind: "no-forward" });
      // Otherwise "close" follows and says what it means.
    });
    c.on("close", () => {
      if (settled) return;
      if (!connected) return finish({ kind: "no-forward" });
      if (!reader.emitted) return finish({ kind: "no-server" });
      // Cut off mid-answer: part of it was shown; repeating it would show it twice.
      finish({
        kind: "done",
        result: {
          ...reader.result(),
          exitCode: 255,
          stderr: "the connection to the host was lost mid-answer",
        },
      });
    });
  });
}

/** True when a forward's local end exists (a listener may still be gone). */
export function hasForward(paths: ResidentPaths): boolean {
  return existsSync(paths.fwd);
}
