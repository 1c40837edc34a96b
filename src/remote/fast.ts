import { existsSync, unlinkSync } from "node:fs";
import { run } from "../process/run.js";
import { runThrough, type ThroughResult } from "../process/through.js";
import type { Context } from "../sessions/context.js";
import type { HostRow } from "../store/hosts.js";
import { callHost, settingsFor, transportError, type CallOptions } from "./call.js";
import { encodeRequest, PROTOCOL_VERSION, type QuickRequest } from "./protocol.js";
import {
  AnswerReader,
  askResident,
  forget,
  OFF_MS,
  readState,
  residentPaths,
  writeState,
  type ResidentState,
} from "./resident-client.js";
import { callArgs, forwardArgs, PLAIN_PATH_RE, type SshSettings } from "./ssh.js";

/**
 * A short request (ls, status, tail without -f, ...) to a host, the fast
 * way when it can be: over the forward to the host's resident server
 * (remote/resident.ts), which costs one round trip on the shared
 * connection. When that is not up, the request goes the slow way as `_remote`
 * op "serve", which answers it AND starts the resident server there; this
 * side then adds the forward, so the next call is fast. A host that cannot
 * offer it (an older agentmux, forwarding refused by its sshd) is asked the
 * plain way for OFF_MS before trying again. $AGENTMUX_REMOTE_RESIDENT=0
 * turns the fast path off.
 */
export async function callQuick(
  ctx: Context,
  host: HostRow,
  req: QuickRequest,
  opts: CallOptions,
): Promise<ThroughResult> {
  if (ctx.env.AGENTMUX_REMOTE_RESIDENT === "0") return callHost(ctx, host, req, opts);
  const s = settingsFor(ctx);
  const paths = residentPaths(s.controlDir, host);
  const state = readState(paths.state);
  if (state.offUntil !== undefined && state.offUntil > Date.now()) {
    return callHost(ctx, host, req, opts);
  }
  const t0 = Date.now();
  const left = (): number => (opts.timeoutMs ? Math.max(1, opts.timeoutMs - (Date.now() - t0)) : 0);
  const shown = { stdout: opts.stdout, echoStderr: opts.echoStderr ?? true };
  const a = await askResident(paths.fwd, req, { ...shown, timeoutMs: opts.timeoutMs ?? 0 });
  if (a.kind === "done") {
    if (state.failures) writeState(paths.state, { ...state, failures: 0 });
    return a.result;
  }
  if (a.kind === "refused") return callHost(ctx, host, req, { ...opts, timeoutMs: left() });

  const served = await serveOverSsh(ctx, s, host, req, { ...opts, timeoutMs: left() });
  if (served.kind === "plain") {
    // An agentmux there without the resident server: the plain way, for a while.
    writeState(paths.state, { offUntil: Date.now() + OFF_MS, why: served.why });
    return callHost(ctx, host, req, { ...opts, timeoutMs: left() });
  }
  if (served.kind === "failed") return served.result;
  const { hello, result } = served;
  const next: ResidentState = { failures: state.failures ?? 0 };
  if (hello.socket === null || !PLAIN_PATH_RE.test(hello.socket)) {
    writeState(paths.state, {
      offUntil: Date.now() + OFF_MS,
      why: "the host could not start its resident server",
    });
    return result;
  }
  next.remote = hello.socket;
  // A forward in place, a server that was running, and still no answer: its sshd refuses forwarding.
  if (a.kind === "no-server" && hello.up && hello.socket === state.remote) next.failures! += 1;
  let forwarded = a.kind === "no-server" && hello.socket === state.remote;
  if (!forwarded) forwarded = await addForward(ctx, s, host, paths.fwd, hello.socket);
  if (!forwarded) next.failures! += 1;
  if ((next.failures ?? 0) >= 2) {
    next.offUntil = Date.now() + OFF_MS;
    next.why = "the host's server cannot be reached through the shared connection";
    next.failures = 0;
  }
  writeState(paths.state, next);
  return result;
}

type Served =
  | { kind: "answered"; hello: NonNullable<AnswerReader["hello"]>; result: ThroughResult }
  /** Did not reach the host's agentmux, or it failed before answering: this is the answer. */
  | { kind: "failed"; result: ThroughResult }
  /** The host's agentmux does not know op "serve". */
  | { kind: "plain"; why: string };

/** `_remote` op "serve" over ssh: the request answered in frames, the server started there. */
async function serveOverSsh(
  ctx: Context,
  s: SshSettings,
  host: HostRow,
  req: QuickRequest,
  opts: CallOptions,
): Promise<Served> {
  const r = await runThrough(s.program, callArgs(host, s, sshOpts(opts)), {
    input: encodeRequest({ v: PROTOCOL_VERSION, op: "serve", req }),
    stdout: "capture",
    // Held back: an older agentmux's complaint about op "serve" is not the user's business.
    echoStderr: false,
    timeoutMs: opts.timeoutMs ?? 0,
    env: ctx.env,
  });
  const reader = new AnswerReader({
    stdout: opts.stdout,
    echoStderr: opts.echoStderr ?? true,
  });
  const passOnStderr = (): void => {
    if (opts.echoStderr !== false && r.stderr !== "") process.stderr.write(r.stderr);
  };
  reader.push(`${r.stdout}\n`);
  if (reader.hello === null) {
    if (transportError(host, r) === null && /Bad remote request: unknown op/.test(r.stderr)) {
      return { kind: "plain", why: "the agentmux there has no resident server" };
    }
    passOnStderr();
    return { kind: "failed", result: r };
  }
  // ssh's own words (a warning, a banner on stderr) as the plain way shows them.
  passOnStderr();
  const result = reader.result();
  if (r.timedOut) result.timedOut = true;
  if (reader.exit === null) {
    // Cut off after the hello: ssh's exit says why (255: the connection went).
    result.exitCode = r.exitCode === 0 || r.exitCode === null ? 255 : r.exitCode;
    if (result.stderr === "") result.stderr = r.stderr || "the answer was cut off";
  }
  return { kind: "answered", hello: reader.hello, result };
}

function sshOpts(opts: CallOptions): { connectTimeoutS?: number } {
  return opts.connectTimeoutS === undefined ? {} : { connectTimeoutS: opts.connectTimeoutS };
}

/**
 * Ask the shared connection to listen on `fwd` and forward to the server's
 * socket there. A forward the master already has for these paths (its
 * local end deleted) is cancelled and added again.
 */
async function addForward(
  ctx: Context,
  s: SshSettings,
  host: HostRow,
  fwd: string,
  remote: string,
): Promise<boolean> {
  const once = async (op: "forward" | "cancel"): Promise<boolean> => {
    const r = await run(s.program, forwardArgs(host, s, op, fwd, remote), {
      timeoutMs: 5_000,
      env: ctx.env,
    });
    return r.exitCode === 0;
  };
  try {
    unlinkSync(fwd); // a stale end from a shared connection that is gone
  } catch {
    // none
  }
  if ((await once("forward")) && existsSync(fwd)) return true;
  await once("cancel");
  try {
    unlinkSync(fwd);
  } catch {
    // none
  }
  return (await once("forward")) && existsSync(fwd);
}

/** End the host's resident server (host rm) and forget what this side knew. Never throws. */
export async function stopResident(ctx: Context, host: HostRow): Promise<void> {
  const s = settingsFor(ctx);
  const paths = residentPaths(s.controlDir, host);
  if (existsSync(paths.fwd)) {
    await askResident(
      paths.fwd,
      { v: PROTOCOL_VERSION, op: "stop" },
      { stdout: "capture", echoStderr: false, timeoutMs: 3_000 },
    );
  }
  forget(paths);
}

/** Forget the forward's local end (its shared connection was dropped). */
export function forgetForward(ctx: Context, host: HostRow): void {
  const s = settingsFor(ctx);
  try {
    unlinkSync(residentPaths(s.controlDir, host).fwd);
  } catch {
    // none
  }
}
