import type { Diagnosis } from "../diagnose/types.js";
import { AgentmuxError, show } from "../util/errors.js";

/**
 * What travels over ssh, both ways. A request is ONE line of JSON on the
 * remote command's stdin; the answer is the remote command's own stdout
 * (a command's output or `--json`, or JSON lines for `events`).
 */
export const PROTOCOL_VERSION = 1;

/** Commands a remote caller may run (never the internal ones, `watch` or `_remote` itself). */
export const REMOTE_COMMANDS = [
  "run",
  "loop",
  "ls",
  "status",
  "tail",
  "kill",
  "restart",
  "rm",
  "verify",
  "wait",
  "heartbeat",
  "doctor",
] as const;
export type RemoteCommand = (typeof REMOTE_COMMANDS)[number];

export type Request =
  /** Run one agentmux command there, with this argv (exactly as typed here, minus --host). */
  | { v: number; op: "cli"; argv: string[] }
  /** Stream state changes of runs as JSON lines until stdin closes. */
  | { v: number; op: "events" }
  /** Pause launches of an agent there until `until` (a limit hit on another host). */
  | { v: number; op: "pause"; agent: string; until: string; reason: string }
  /** The session's id there, for `attach` (whose terminal leaves no stdin for a request). */
  | { v: number; op: "session-id"; name: string }
  /**
   * Over ssh: make sure the host's resident server runs (remote/resident.ts),
   * answer with its socket, and run `req` (if any) in this process; the
   * answer is framed (remote/frames.ts).
   */
  | { v: number; op: "serve"; req?: QuickRequest }
  /** On the resident server's socket: end that server (host rm). */
  | { v: number; op: "stop" };

/** What the resident server runs for a caller: short requests that end on their own. */
export type QuickRequest = Extract<Request, { op: "cli" | "pause" | "session-id" }>;

/** One line of the events stream. */
export type EventLine =
  | { type: "hello"; v: number; now: string }
  /** A run whose state changed, or every latest run once after hello. */
  | { type: "run"; status: RunEventStatus; snapshot: boolean };

/** The StatusJson fields a remote run's notification needs (a subset, so the stream stays small). */
export interface RunEventStatus {
  name: string;
  agent: string;
  run: number | null;
  state: string;
  exitCode: number | null;
  signal: string | null;
  cwd: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  logPath: string | null;
  verdict: string | null;
  commits: number;
  uncommitted: number;
  /** Written by the host's agentmux from the same closed list of codes. */
  diagnosis: Diagnosis | null;
}

const MAX_REQUEST = 64 * 1024 * 1024;

const bad = (what: string): AgentmuxError =>
  new AgentmuxError("remote", `Bad remote request: ${what}`, {
    hint: "the agentmux versions on the two machines may differ: agentmux host check NAME",
  });

const isStr = (v: unknown): v is string => typeof v === "string";

/** Validate one request line (everything checked, nothing trusted). */
export function parseRequest(line: string): Request {
  if (line.length > MAX_REQUEST) throw bad(`longer than ${MAX_REQUEST} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw bad(`not JSON: ${show(line.slice(0, 80))}`);
  }
  if (typeof v !== "object" || v === null) throw bad("not an object");
  const r = v as Record<string, unknown>;
  if (r.v !== PROTOCOL_VERSION)
    throw bad(`protocol version ${show(r.v)}, expected ${PROTOCOL_VERSION}`);
  switch (r.op) {
    case "cli": {
      const argv = r.argv;
      if (!Array.isArray(argv) || argv.length === 0 || !argv.every(isStr)) {
        throw bad("argv must be a non-empty list of strings");
      }
      const [cmd] = argv;
      if (!(REMOTE_COMMANDS as readonly string[]).includes(cmd ?? "")) {
        throw bad(`command ${show(cmd)} is not one a remote caller may run`);
      }
      return { v: PROTOCOL_VERSION, op: "cli", argv: argv };
    }
    case "events":
      return { v: PROTOCOL_VERSION, op: "events" };
    case "pause":
      if (!isStr(r.agent) || !isStr(r.until) || Number.isNaN(Date.parse(r.until))) {
        throw bad("pause needs an agent and an ISO time");
      }
      return {
        v: PROTOCOL_VERSION,
        op: "pause",
        agent: r.agent,
        until: r.until,
        reason: isStr(r.reason) ? r.reason : "rate limited on another host",
      };
    case "session-id":
      if (!isStr(r.name)) throw bad("session-id needs a name");
      return { v: PROTOCOL_VERSION, op: "session-id", name: r.name };
    case "serve": {
      if (r.req === undefined) return { v: PROTOCOL_VERSION, op: "serve" };
      if (typeof r.req !== "object" || r.req === null) throw bad("serve: req must be a request");
      // The inner request is validated as one of its own (a line of JSON is all it could be).
      const inner = parseRequest(JSON.stringify(r.req));
      if (!isQuick(inner)) throw bad(`serve: ${show(inner.op)} cannot be run by the server`);
      return { v: PROTOCOL_VERSION, op: "serve", req: inner };
    }
    case "stop":
      return { v: PROTOCOL_VERSION, op: "stop" };
    default:
      throw bad(`unknown op ${show(r.op)}`);
  }
}

export function isQuick(r: Request): r is QuickRequest {
  return r.op === "cli" || r.op === "pause" || r.op === "session-id";
}

export function encodeRequest(r: Request): string {
  return `${JSON.stringify(r)}\n`;
}
