import { listWith } from "../../api/list.js";
import { cell, durationCell, out, outcome, printJson, table } from "../output.js";
import { parse, flag, str } from "../args.js";
import { Context } from "../../sessions/context.js";
import type { HostRow } from "../../store/hosts.js";
import { listHost, type HostSession } from "../../remote/list.js";
import { LOCAL_HOST } from "../../remote/ssh.js";

/**
 * `agentmux ls --all-hosts`: this machine's sessions and every host's, asked
 * in parallel. A host that does not answer within HOST_DEADLINE_MS is one row
 * saying so; it never holds up the others.
 */
export const HOST_DEADLINE_MS = 4_000;
const CONNECT_TIMEOUT_S = 3;

export interface HostAnswer {
  host: string;
  reachable: boolean;
  error?: string;
  ms: number;
}

export type { HostSession } from "../../remote/list.js";

export async function askHost(
  ctx: Context,
  host: HostRow,
  all: boolean,
): Promise<{ answer: HostAnswer; sessions: HostSession[] }> {
  const t0 = Date.now();
  const r = await listHost(ctx, host, {
    all,
    deadlineMs: HOST_DEADLINE_MS,
    connectTimeoutS: CONNECT_TIMEOUT_S,
  });
  const ms = Date.now() - t0;
  return r.sessions === null
    ? { answer: { host: host.name, reachable: false, error: r.error, ms }, sessions: [] }
    : { answer: { host: host.name, reachable: true, ms }, sessions: r.sessions };
}

export async function lsAllHosts(argv: string[]): Promise<number> {
  const USAGE = "agentmux ls --all-hosts [--all] [--json]";
  const p = parse("ls", argv, { all: { type: "boolean", short: "a" } }, USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const all = flag(p, "all");
    const hosts = ctx.store().listHosts();
    const t0 = Date.now();
    const [local, ...remote] = await Promise.all([
      listWith(ctx, { all }).then((l) => l.map((s) => ({ ...s, host: LOCAL_HOST }))),
      ...hosts.map((h) => askHost(ctx, h, all)),
    ]);
    const answers: HostAnswer[] = [
      { host: LOCAL_HOST, reachable: true, ms: Date.now() - t0 },
      ...remote.map((r) => r.answer),
    ];
    const sessions: HostSession[] = [...(local ?? []), ...remote.flatMap((r) => r.sessions)];
    if (flag(p, "json")) {
      printJson({ hosts: answers, sessions });
      return 0;
    }
    const rows = sessions.map((s) => [
      s.host,
      cell(s.name, 48),
      s.agent,
      outcome(s),
      durationCell(s.durationMs),
      s.verdict ?? "-",
      cell(
        s.diagnosis && s.diagnosis.code !== "success"
          ? `${s.diagnosis.code}: ${s.diagnosis.summary}`
          : "",
        60,
      ),
    ]);
    for (const a of answers) {
      if (!a.reachable)
        rows.push([a.host, "-", "-", "unreachable", "-", "-", cell(a.error ?? "", 60)]);
    }
    out(table(["HOST", "NAME", "AGENT", "STATE", "TIME", "VERDICT", "NOTE"], rows));
    return 0;
  } finally {
    ctx.close();
  }
}
