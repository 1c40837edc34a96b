import type { ElsewhereLive } from "../governor/governor.js";

/**
 * Counting an account's live runs across hosts. Pure: hosts' answers in,
 * a count and the words for it out (remote/fleet.ts asks the hosts).
 *
 * The provider account is the agent name: agentmux has no per-account
 * profile, so every `claude` run on every machine draws on one account, and
 * one limit (limits.claude.concurrency, from this machine's config) covers
 * them all.
 */

const LIVE_STATES: ReadonlySet<string> = new Set(["starting", "running"]);

/** Live runs per agent in a host's `ls --json` answer (a loop counts once, as locally). */
export function liveByAgent(
  list: readonly { agent: string; state: string }[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of list) {
    if (LIVE_STATES.has(s.state)) out[s.agent] = (out[s.agent] ?? 0) + 1;
  }
  return out;
}

/** What one host said, or what was last known when it did not answer. */
export type HostCount =
  | { host: string; reachable: true; live: Record<string, number> }
  | {
      host: string;
      reachable: false;
      /** Its last answer (the store's hosts.live_at and host_live), if any. */
      lastKnown: { live: Record<string, number>; at: string } | null;
    };

/** A time of day, constant while the host stays away (so a waiter's message does not churn). */
function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 19);
}

/**
 * The hosts' share of `agent`'s live count. An unreachable host counts with
 * its last known number (a run there goes on without us; assuming 0 could
 * overrun the account), and the note says so. null note: no hosts.
 */
export function elsewhereFrom(agent: string, hosts: readonly HostCount[]): ElsewhereLive {
  if (hosts.length === 0) return { live: 0, note: null };
  let live = 0;
  const parts = hosts.map((h) => {
    if (h.reachable) {
      const n = h.live[agent] ?? 0;
      live += n;
      return `${h.host}: ${n}`;
    }
    if (h.lastKnown === null) return `${h.host}: unreachable, count unknown`;
    const n = h.lastKnown.live[agent] ?? 0;
    live += n;
    return `${h.host}: ${n} last known at ${clock(h.lastKnown.at)} UTC, unreachable`;
  });
  return { live, note: parts.join(", ") };
}
