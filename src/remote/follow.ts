import { journalEnd } from "../journal/journal.js";
import { localDate } from "../journal/line.js";
import { limitsFor, pauseUntilFor, reportRateLimit } from "../governor/governor.js";
import { planNotifications } from "../notify/plan.js";
import type { NotifyEvent } from "../notify/summary.js";
import type { Context } from "../sessions/context.js";
import { deliverPending, notifyWindowMs } from "../sessions/outbox.js";
import type { SessionSpec } from "../sessions/spec.js";
import type { RunState } from "../sessions/lifecycle.js";
import type { HostRow } from "../store/hosts.js";
import { transportError } from "./call.js";
import { callQuick } from "./fast.js";
import { HostChannel } from "./channel.js";
import { journalKey } from "./ssh.js";
import { PROTOCOL_VERSION, type EventLine, type RunEventStatus } from "./protocol.js";
import { join } from "node:path";

const ENDED: ReadonlySet<string> = new Set(["succeeded", "failed", "killed", "lost"]);

/**
 * The local monitor's view of remote hosts: one event channel per host that
 * has runs this machine follows (launched from here with --host), and for
 * each run that ends there: this machine's notifications and journal line,
 * and a rate-limit pause shared with every other host and this machine.
 */
export class RemoteFollower {
  private readonly channels = new Map<string, HostChannel>();
  /** Pauses already spread (host/session/run), so a snapshot after a reconnect does not resend. */
  private readonly spread = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly ctx: Context,
    private readonly log: (line: string) => void,
    /** Called after a remote run's notifications went out (watch runs a pass). */
    private readonly onSettled: () => void = () => undefined,
  ) {}

  /**
   * Open channels to hosts with followed runs. A channel stays open while
   * its host exists, so the next run there is reported without a new
   * channel's start-up; only a removed host's channel closes.
   */
  sync(): void {
    const store = this.ctx.store();
    const want = new Set(store.openRemoteWatches().map((w) => w.host));
    const known = new Set(store.listHosts().map((h) => h.name));
    for (const [name, ch] of this.channels) {
      if (!known.has(name)) {
        this.channels.delete(name);
        void ch.stop();
      }
    }
    for (const name of want) {
      if (this.channels.has(name)) continue;
      const host = store.getHost(name);
      if (!host) continue;
      const ch = new HostChannel(this.ctx, host, (h, ev) => this.onEvent(h, ev), this.log);
      this.channels.set(name, ch);
      ch.start();
    }
  }

  /** Hosts whose channel is up right now. */
  upHosts(): string[] {
    return [...this.channels.values()].filter((c) => c.up).map((c) => c.host.name);
  }

  private onEvent(host: HostRow, ev: EventLine): void {
    if (ev.type !== "run" || !ENDED.has(ev.status.state)) return;
    const p = this.ended(host, ev.status)
      .catch((e: unknown) => this.log(`${host.name}: ${(e as Error).message}`))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private async ended(host: HostRow, st: RunEventStatus): Promise<void> {
    await this.spreadPause(host, st);
    const store = this.ctx.store();
    const watch = store
      .openRemoteWatches(host.name)
      .find((w) => w.session === st.name && w.runNo === st.run);
    if (!watch) return;
    // Exactly one local process reports it (two watches, or a heartbeat):
    // settling the watch and queueing its notifications is one transaction.
    // They then go through the outbox like a local run's, so a failed
    // delivery is retried (notify/retry.ts) by this or any later monitor.
    const event = notifyEventOf(host.name, st);
    const planned = planNotifications(watch.notify as SessionSpec["notify"], event);
    if (store.settleRemoteWatchWith(watch.id, st.state, planned) === null) return;
    if (planned.length > 0) {
      const sent = await deliverPending(store, { windowMs: notifyWindowMs(this.ctx.config()) });
      for (const f of sent.failed) {
        const when = f.final ? "given up" : `retried at ${f.nextAttemptAt ?? "-"}`;
        this.log(
          `${host.name}: ${st.name}: ${f.channel} notification failed (${when}): ${f.error}`,
        );
      }
    }
    this.log(`${host.name}: ${st.name} ${st.state} (run ${st.run ?? "-"})`);
    if (watch.journalDir !== null && st.startedAt !== null) {
      const file = join(watch.journalDir, `${localDate(new Date(st.startedAt))}.md`);
      await journalEnd(file, journalKey(st.name, host.name, st.run ?? 0), {
        state: st.state as RunState,
        exitCode: st.exitCode,
        signal: st.signal,
        verdict: st.verdict as NotifyEvent["verdict"],
        ...(st.diagnosis ? { diagnosis: st.diagnosis } : {}),
        endedAt: new Date(st.endedAt ?? Date.now()),
      });
    }
    this.onSettled();
  }

  /**
   * A rate or usage limit hit on one host pauses that agent's launches here
   * and on every other host (their own governors then hold new starts).
   * Only an account's limit is spread: as on one machine (governor.ts
   * reportFromDiagnosis), a `cmd` or `demo` run's limit line pauses nothing
   * unless this machine's config says limits.<agent>.pauseOnLimit.
   */
  private async spreadPause(host: HostRow, st: RunEventStatus): Promise<void> {
    if (!limitsFor(st.agent, this.ctx.config()).pauseOnLimit) return;
    const until = pauseUntilFor(st.diagnosis, new Date(st.endedAt ?? Date.now()));
    if (until === null || Date.parse(until) <= Date.now()) return;
    const key = `${host.name}/${st.name}/${st.run ?? 0}`;
    if (this.spread.has(key)) return;
    this.spread.add(key);
    const reason = `${st.diagnosis?.code ?? "limit"} hit by ${st.name} on ${host.name}`;
    reportRateLimit(this.ctx.store(), st.agent, until, reason);
    const others = this.ctx
      .store()
      .listHosts()
      .filter((h) => h.name !== host.name);
    await Promise.all(
      others.map(async (h) => {
        const r = await callQuick(
          this.ctx,
          h,
          { v: PROTOCOL_VERSION, op: "pause", agent: st.agent, until, reason },
          { stdout: "capture", echoStderr: false, timeoutMs: 10_000, connectTimeoutS: 3 },
        );
        const e = transportError(h, r);
        if (e || r.exitCode !== 0) {
          this.log(
            `${h.name}: could not pass on the ${st.agent} pause: ${e?.message ?? r.stderr.trim()}`,
          );
        } else this.log(`${h.name}: ${st.agent} paused until ${until} (${reason})`);
      }),
    );
  }

  async stop(): Promise<void> {
    const chans = [...this.channels.values()];
    this.channels.clear();
    await Promise.all(chans.map((c) => c.stop()));
    await Promise.all([...this.inflight]);
  }
}

/** The notification of a remote run: the same summary, the session named with its host. */
export function notifyEventOf(host: string, st: RunEventStatus): NotifyEvent {
  return {
    name: `${st.name}@${host}`,
    agent: st.agent,
    state: st.state as NotifyEvent["state"],
    exitCode: st.exitCode,
    signal: st.signal,
    durationMs: st.durationMs ?? 0,
    cwd: st.cwd ?? "",
    runId: st.run ?? 0,
    logPath: st.logPath ?? "",
    verdict: st.verdict as NotifyEvent["verdict"],
    commits: st.commits,
    uncommitted: st.uncommitted,
    ...(st.diagnosis ? { diagnosis: st.diagnosis } : {}),
  };
}
