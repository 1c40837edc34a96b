import { hostNamed, transportError } from "../remote/call.js";
import { callQuick } from "../remote/fast.js";
import { listHost, type HostSession } from "../remote/list.js";
import { HostChannel } from "../remote/channel.js";
import { PROTOCOL_VERSION } from "../remote/protocol.js";
import type { Context } from "../sessions/context.js";
import type { StatusJson } from "../sessions/view.js";
import type { HostRow } from "../store/hosts.js";
import { AgentmuxError } from "../util/errors.js";

/**
 * The registered hosts' sessions for the dashboard, kept apart from the
 * local list so a slow or dead host never holds it up.
 *
 * Live from each host's event channel (the one the monitor uses): any line
 * on it (a run started, ended, changed state) makes this side ask that host
 * for its list (`ls --json`, one round trip on the shared connection),
 * because the list row needs fields the event lines do not carry (last
 * output, loop items). A slow periodic ask of every host, in parallel with
 * a deadline, catches what a channel cannot tell: a host that went silent
 * (unreachable), or one added or removed meanwhile. Runs only while a page
 * listens, like the store feed.
 */
export const ASK_DEADLINE_MS = 4_000;
const CONNECT_TIMEOUT_S = 3;
const PERIOD_MS = 10_000;
// A channel's first lines (one per session) become one ask.
const COALESCE_MS = 100;

export interface HostState {
  host: string;
  reachable: boolean;
  /** Why not, in ssh's or the host's words. */
  error?: string;
  /** When the host last answered (ISO); null: not yet. */
  answeredAt: string | null;
}

export type { HostSession } from "../remote/list.js";

export interface FleetView {
  hosts: HostState[];
  sessions: HostSession[];
}

interface Known {
  state: HostState;
  /** The last list the host gave; kept while it is unreachable, for the session page. */
  sessions: HostSession[];
}

export class RemoteHosts {
  private readonly listeners = new Set<() => void>();
  private readonly channels = new Map<string, HostChannel>();
  private readonly known = new Map<string, Known>();
  private readonly soon = new Map<string, NodeJS.Timeout>();
  private readonly asking = new Set<string>();
  private readonly again = new Set<string>();
  private period: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly ctx: Context,
    private readonly opts: { periodMs?: number; deadlineMs?: number } = {},
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.running) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.stop();
    };
  }

  /** Sessions of reachable hosts, and every host's state (an unreachable one's sessions are left out). */
  view(): FleetView {
    const hosts = [...this.known.values()].sort((a, b) => a.state.host.localeCompare(b.state.host));
    return {
      hosts: hosts.map((k) => k.state),
      sessions: hosts.flatMap((k) => (k.state.reachable ? k.sessions : [])),
    };
  }

  private start(): void {
    this.running = true;
    this.sync();
    this.period = setInterval(() => this.sync(), this.opts.periodMs ?? PERIOD_MS);
  }

  /** Channels for the registered hosts, and an ask of each. */
  private sync(): void {
    const hosts = this.ctx.store().listHosts();
    const names = new Set(hosts.map((h) => h.name));
    for (const [name, ch] of this.channels) {
      if (names.has(name)) continue;
      this.channels.delete(name);
      this.known.delete(name);
      void ch.stop();
      this.changed();
    }
    for (const host of hosts) {
      if (!this.channels.has(host.name)) {
        const ch = new HostChannel(
          this.ctx,
          host,
          (h) => this.askSoon(h),
          // A channel that drops says so here: ask now, to show the host unreachable at once.
          () => this.askSoon(host),
        );
        this.channels.set(host.name, ch);
        ch.start();
      }
      this.askSoon(host, 0);
    }
  }

  private askSoon(host: HostRow, delayMs = COALESCE_MS): void {
    if (this.soon.has(host.name) || !this.running) return;
    this.soon.set(
      host.name,
      setTimeout(() => {
        this.soon.delete(host.name);
        void this.ask(host);
      }, delayMs),
    );
  }

  private async ask(host: HostRow): Promise<void> {
    if (this.asking.has(host.name)) {
      this.again.add(host.name);
      return;
    }
    this.asking.add(host.name);
    try {
      const answer = await listHost(this.ctx, host, {
        deadlineMs: this.opts.deadlineMs ?? ASK_DEADLINE_MS,
        connectTimeoutS: CONNECT_TIMEOUT_S,
      });
      if (!this.running || !this.channels.has(host.name)) return;
      const before = this.known.get(host.name);
      const next: Known =
        answer.sessions === null
          ? {
              state: {
                host: host.name,
                reachable: false,
                error: answer.error,
                answeredAt: before?.state.answeredAt ?? null,
              },
              sessions: before?.sessions ?? [],
            }
          : {
              state: { host: host.name, reachable: true, answeredAt: new Date().toISOString() },
              sessions: answer.sessions,
            };
      this.known.set(host.name, next);
      this.changed();
    } finally {
      this.asking.delete(host.name);
      if (this.again.delete(host.name)) this.askSoon(host);
    }
  }

  /** A session of a host as last listed (null: not in its last list). */
  lastListed(host: string, name: string): HostSession | null {
    return this.known.get(host)?.sessions.find((s) => s.name === name) ?? null;
  }

  private readonly waiters = new Set<() => void>();

  /** Resolves once every registered host answered or failed to (at most a deadline after the ask). */
  settled(): Promise<void> {
    if (this.allKnown()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, (this.opts.deadlineMs ?? ASK_DEADLINE_MS) + 1_000);
      this.waiters.add(done);
    });
  }

  private allKnown(): boolean {
    return this.ctx
      .store()
      .listHosts()
      .every((h) => this.known.has(h.name));
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
    if (this.waiters.size > 0 && this.allKnown()) for (const w of [...this.waiters]) w();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.period) clearInterval(this.period);
    for (const t of this.soon.values()) clearTimeout(t);
    this.soon.clear();
    const chans = [...this.channels.values()];
    this.channels.clear();
    this.known.clear();
    await Promise.all(chans.map((c) => c.stop()));
  }
}

export interface RemoteSessionView {
  host: string;
  status: HostSession;
  /** The last lines of its output, as `agentmux tail` prints them. */
  tail: string;
}

/**
 * One remote session for its (read-only) page: `status --json` and the
 * last lines of `tail`, asked in parallel over the shared connection.
 */
export async function remoteSession(
  ctx: Context,
  hostName: string,
  name: string,
  lines = 200,
): Promise<RemoteSessionView> {
  const host = hostNamed(ctx, hostName);
  const ask = (argv: string[]) =>
    callQuick(
      ctx,
      host,
      { v: PROTOCOL_VERSION, op: "cli", argv },
      {
        stdout: "capture",
        echoStderr: false,
        timeoutMs: ASK_DEADLINE_MS,
        connectTimeoutS: CONNECT_TIMEOUT_S,
      },
    );
  const [st, tail] = await Promise.all([
    ask(["status", name, "--json"]),
    ask(["tail", name, "--lines", String(lines)]),
  ]);
  const e = transportError(host, st);
  if (e) throw e;
  if (st.exitCode !== 0) {
    let message = st.stderr.trim().split("\n")[0] ?? `exit ${st.exitCode}`;
    try {
      const j = JSON.parse(st.stdout) as { error?: { message?: string } };
      message = j.error?.message ?? message;
    } catch {
      // the human line on stderr is the message
    }
    throw new AgentmuxError("not-found", `${host.name}: ${message.replace(/^agentmux: /, "")}`, {
      hint: `agentmux ls --host ${host.name}`,
    });
  }
  const status = { ...(JSON.parse(st.stdout) as StatusJson), host: host.name };
  return { host: host.name, status, tail: tail.exitCode === 0 ? tail.stdout : "" };
}
