import type { Config } from "../config/config.js";
import { isAcked } from "./ack.js";
import { isErrored } from "../store/errored.js";
import { limitsFor, readGovernor } from "../governor/governor.js";
import { stalledSince } from "./stall-check.js";
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

export function sessionFlags(
  store: Store,
  config: Pick<Config, "limits">,
  session: SessionRow,
  run: RunRow | null,
  now = Date.now(),
): SessionFlags {
  const gov = limitsFor(session.agent, config).pauseOnLimit
    ? readGovernor(store, session.agent)
    : null;
  const until = gov?.pausedUntil ?? null;
  return {
    stalled: run?.state === "running" ? stalledSince(store, run.id) : null,
    errored: isErrored(store, session.id),
    pausedUntil: until !== null && Date.parse(until) > now ? until : null,
    acked: run !== null && isAcked(store, session.id, run.id),
  };
}
