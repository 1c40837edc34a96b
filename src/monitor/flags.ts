import type { Config } from "../config/config.js";
import { isAcked } from "./ack.js";
import { isErrored } from "../store/errored.js";
import { limitsFor, readGovernor, type GovernorState } from "../governor/governor.js";
import { stallStands, stalledSince } from "./stall-state.js";
import type { RunRow, SessionRow, Store } from "../store/store.js";

/**
 * What the monitor knows about a session beyond its run's state, for `ls` and
 * `status` (text and JSON) as much as for `heartbeat`: stalled (no progress),
 * errored (restarts stopped after a crash loop), its account paused (until
 * when), and whether a person acknowledged the run (agentmux ack).
 */
export interface SessionFlags {
  /** Running, but the monitor found no progress since this time. */
  stalled: string | null;
  errored: boolean;
  /** The agent's provider account is paused until this time (a rate or usage limit). */
  pausedUntil: string | null;
  acked: boolean;
}

type Config_ = Pick<Config, "limits">;

/** One session's flags (`status`): a few lookups by key. */
export function sessionFlags(
  store: Store,
  config: Config_,
  session: SessionRow,
  run: RunRow | null,
  now = Date.now(),
): SessionFlags {
  return {
    stalled: run?.state === "running" ? stalledSince(store, run.id) : null,
    errored: isErrored(store, session.id),
    pausedUntil: pausedUntil(config, session.agent, (a) => readGovernor(store, a), now),
    acked: run !== null && isAcked(store, run.id),
  };
}

/**
 * Every session's flags (`ls`): four queries in all, whatever the number of
 * sessions, then a lookup per session.
 */
export function flagsOfAll(
  store: Store,
  config: Config_,
  now = Date.now(),
): (session: SessionRow, run: RunRow | null) => SessionFlags {
  const errored = store.erroredSessionIds();
  const acked = store.ackedRunIds();
  const stalls = new Map(
    store.runningStalls().map((s) => [s.runId, stallStands(s.since, s.progressAt)]),
  );
  const governors = store.governors();
  const none: GovernorState = { lastLaunchAt: null, pausedUntil: null, pauseReason: null };
  // A pause is the agent's (its account's), not the session's: once per agent.
  const paused = new Map<string, string | null>();
  const pausedOf = (agent: string): string | null => {
    let until = paused.get(agent);
    if (until === undefined) {
      until = pausedUntil(config, agent, (a) => governors.get(a) ?? none, now);
      paused.set(agent, until);
    }
    return until;
  };
  return (session, run) => ({
    stalled: run?.state === "running" ? (stalls.get(run.id) ?? null) : null,
    errored: errored.has(session.id),
    pausedUntil: pausedOf(session.agent),
    acked: run !== null && acked.has(run.id),
  });
}

function pausedUntil(
  config: Config_,
  agent: string,
  governor: (agent: string) => GovernorState,
  now: number,
): string | null {
  if (!limitsFor(agent, config).pauseOnLimit) return null;
  const until = governor(agent).pausedUntil;
  return until !== null && Date.parse(until) > now ? until : null;
}
