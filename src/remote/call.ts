import { mkdirSync } from "node:fs";
import { run } from "../process/run.js";
import { runThrough, type ThroughResult } from "../process/through.js";
import type { Context } from "../sessions/context.js";
import type { HostRow } from "../store/hosts.js";
import { AgentmuxError, show } from "../util/errors.js";
import { encodeRequest, type Request } from "./protocol.js";
import { callArgs, exitMasterArgs, sshSettings, SSH_FAILED, type SshSettings } from "./ssh.js";

/** The host of that name, or a not-found error that says how to add one. */
export function hostNamed(ctx: Context, name: string): HostRow {
  const host = ctx.store().getHost(name);
  if (host) return host;
  throw new AgentmuxError("not-found", `No host named ${show(name)}`, {
    hint: `agentmux host ls lists them; add one with: agentmux host add ${name} user@machine`,
  });
}

/** ssh settings for this state directory, with the shared connections' socket directory made. */
export function settingsFor(ctx: Context): SshSettings {
  const s = sshSettings(ctx.env, ctx.stateDir);
  mkdirSync(s.controlDir, { recursive: true, mode: 0o700 });
  return s;
}

export interface CallOptions {
  stdout: "inherit" | "capture";
  echoStderr?: boolean;
  /** Whole-call deadline in ms (0: none, for a follower). */
  timeoutMs?: number;
  connectTimeoutS?: number;
}

/** One request to the host's agentmux over its shared connection. */
export function callHost(
  ctx: Context,
  host: HostRow,
  req: Request,
  opts: CallOptions,
): Promise<ThroughResult> {
  const s = settingsFor(ctx);
  const args = callArgs(host, s, {
    ...(opts.connectTimeoutS === undefined ? {} : { connectTimeoutS: opts.connectTimeoutS }),
  });
  return runThrough(s.program, args, {
    input: encodeRequest(req),
    stdout: opts.stdout,
    echoStderr: opts.echoStderr ?? true,
    timeoutMs: opts.timeoutMs ?? 0,
    env: ctx.env,
  });
}

/** The last non-empty line of ssh's stderr: its own reason ("Connection refused", ...). */
function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim());
  return lines.filter((l) => l !== "").pop() ?? "";
}

/**
 * null when the call reached the host's agentmux (whatever its answer);
 * otherwise the error that says why not and what to do.
 */
export function transportError(host: HostRow, r: ThroughResult): AgentmuxError | null {
  const who = `host ${host.name} (${host.dest})`;
  if (r.spawnError) {
    return new AgentmuxError("remote", `Cannot run ssh for ${who}: ${r.spawnError.message}`, {
      hint: "install the OpenSSH client, or set AGENTMUX_SSH to the ssh program",
    });
  }
  if (r.timedOut) {
    return new AgentmuxError("remote", `${who} did not answer in time`, {
      hint: `check the network, then: agentmux host check ${host.name}`,
    });
  }
  if (r.exitCode === SSH_FAILED) {
    return new AgentmuxError(
      "remote",
      `${who} is unreachable: ${lastLine(r.stderr) || "ssh failed"}`,
      {
        hint: `agentmux host check ${host.name} says what is wrong (BatchMode: keys and known_hosts must be set up)`,
      },
    );
  }
  if (r.exitCode === 127 || r.exitCode === 126) {
    return new AgentmuxError(
      "remote",
      `agentmux was not found on ${who}: ${lastLine(r.stderr) || `exit ${r.exitCode}`}`,
      {
        hint: `install agentmux there, or give its path: agentmux host rm ${host.name} && agentmux host add ${host.name} ${host.dest} --agentmux /path/to/agentmux`,
      },
    );
  }
  return null;
}

/** End the host's shared connection (a wedged one, after a call timed out). Never throws. */
export async function dropConnection(ctx: Context, host: HostRow): Promise<void> {
  const s = sshSettings(ctx.env, ctx.stateDir);
  await run(s.program, exitMasterArgs(host, s), { timeoutMs: 3_000, env: ctx.env });
}
