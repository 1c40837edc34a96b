import type { Context } from "../sessions/context.js";
import type { StatusJson } from "../sessions/view.js";
import type { HostRow } from "../store/hosts.js";
import { dropConnection, transportError } from "./call.js";
import { callQuick } from "./fast.js";
import { PROTOCOL_VERSION } from "./protocol.js";

/** A session as a host's `ls --json` gives it, labelled with the host. */
export type HostSession = StatusJson & { host: string };

export type HostList =
  { sessions: HostSession[]; error?: undefined } | { sessions: null; error: string };

/**
 * One host's `ls --json` (through its resident server when that is up), or
 * why not. Shared by `ls --all-hosts`, the dashboard and the fleet count.
 */
export async function listHost(
  ctx: Context,
  host: HostRow,
  opts: { all?: boolean; deadlineMs: number; connectTimeoutS: number },
): Promise<HostList> {
  const r = await callQuick(
    ctx,
    host,
    { v: PROTOCOL_VERSION, op: "cli", argv: ["ls", "--json", ...(opts.all ? ["--all"] : [])] },
    {
      stdout: "capture",
      echoStderr: false,
      timeoutMs: opts.deadlineMs,
      connectTimeoutS: opts.connectTimeoutS,
    },
  );
  const e = transportError(host, r);
  if (e || r.exitCode !== 0) {
    // A wedged shared connection (a link that went down) would hang the next ask too.
    if (r.timedOut) await dropConnection(ctx, host);
    return {
      sessions: null,
      error: e?.message ?? (r.stderr.trim().split("\n").pop() || `exit ${r.exitCode}`),
    };
  }
  try {
    const list = JSON.parse(r.stdout) as StatusJson[];
    return { sessions: list.map((s) => ({ ...s, host: host.name })) };
  } catch {
    return { sessions: null, error: "unreadable answer" };
  }
}
