import { notifyEvent } from "../notify/event.js";
import { queueNotifications } from "../notify/outbox.js";
import type { Context } from "../sessions/context.js";
import type { Diagnosis } from "../diagnose/types.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { stallAfterOf } from "./policy-config.js";
import { decideStall, logMoved, progressOf, sampleEveryMs, type StallFacts } from "./stall.js";
import {
  CLOCK_TICKS_PER_SECOND,
  cpuTicksByGroup,
  logMtimeMs,
  screenHash,
  treeHash,
} from "./stall-facts.js";

/**
 * Stall detection for one running run: gather the facts (cheap first), ask
 * the pure decision, keep the sample in the store (stall_samples), and on
 * the first stalled verdict record the stall (stalls) and queue one
 * notification. The caller delivers notifications and applies the policy.
 */
export interface StallCheck {
  stalled: boolean;
  /** True only for the pass that first found it stalled (notified once). */
  first: boolean;
  idleMs: number;
  diagnosis: Diagnosis;
}

/**
 * Facts shared by every session of one pass, each gathered only if some
 * sample is due: one /proc scan, and one tree hash per working directory
 * (sessions in one directory see the same tree at the same moment; with a
 * thousand of them, hashing it per session was most of a pass's cost).
 */
export class CpuScan {
  private groups: Map<number, number> | undefined;
  private readonly trees = new Map<string, Promise<string | null>>();
  ticks(pgid: number | null): number | null {
    if (pgid === null) return null;
    this.groups ??= cpuTicksByGroup();
    return this.groups.get(pgid) ?? null;
  }
  tree(cwd: string): Promise<string | null> {
    let hash = this.trees.get(cwd);
    if (hash === undefined) {
      hash = treeHash(cwd);
      this.trees.set(cwd, hash);
    }
    return hash;
  }
}

export function stallDiagnosis(idleMs: number, name: string): Diagnosis {
  const min = Math.round(idleMs / 60_000);
  return {
    code: "stall",
    summary: `no output, no file changes and no CPU for ${min >= 1 ? `${min} min` : `${Math.round(idleMs / 1000)} s`}`,
    fix: `agentmux attach ${name}   (or: agentmux restart ${name})`,
  };
}

export async function checkStall(
  ctx: Context,
  session: SessionRow,
  run: RunRow,
  cpu: CpuScan,
  now: number,
): Promise<StallCheck | null> {
  const store = ctx.store();
  const spec = session.spec;
  const stallAfterMs = stallAfterOf(spec, ctx.config());
  const prev = store.stallSample(run.id);
  const already = store.stallSince(run.id) !== null;
  if (prev !== null && now - prev.at < sampleEveryMs(stallAfterMs)) {
    if (!already) return null;
    const idleMs = now - prev.progressAt;
    return { stalled: true, first: false, idleMs, diagnosis: stallDiagnosis(idleMs, session.name) };
  }
  const opts = { stallAfterMs, ticksPerSecond: CLOCK_TICKS_PER_SECOND };
  const mtime = logMtimeMs(run.logPath);
  const facts: StallFacts = {
    at: now,
    logMtimeMs: mtime,
    screenHash: logMoved(prev, mtime)
      ? await screenHash(ctx.tmux(spec.socket), session.name)
      : null,
    cpuTicks: cpu.ticks(run.agentPid),
    treeHash: null,
  };
  // git only when nothing cheaper already showed progress (and for the first baseline).
  if (prev === null || progressOf(prev, facts, opts) === null)
    facts.treeHash = await cpu.tree(spec.cwd);
  const d = decideStall(prev, facts, opts);
  store.putStallSample(run.id, d.sample);
  if (!d.stalled)
    return {
      stalled: false,
      first: false,
      idleMs: d.idleMs,
      diagnosis: stallDiagnosis(0, session.name),
    };

  const diagnosis = stallDiagnosis(d.idleMs, session.name);
  // Exactly one process records the stall (and so notifies), however many monitors run.
  const first = store.claimStall(run.id, new Date(now).toISOString());
  if (first) queueNotice(ctx, session, run, diagnosis, now);
  return { stalled: true, first, idleMs: d.idleMs, diagnosis };
}

/** Queue a notification about a session that did not end (stalled, errored); delivered by the pass. */
export function queueNotice(
  ctx: Context,
  session: SessionRow,
  run: RunRow,
  diagnosis: Diagnosis,
  now: number,
  state: "stalled" | "errored" = "stalled",
): void {
  const event = notifyEvent(session, run, {
    state,
    exitCode: run.exitCode,
    signal: run.signal,
    durationMs: Math.max(0, now - Date.parse(run.startedAt)),
    verdict: null,
    commits: run.evidence?.commits.length ?? 0,
    uncommitted: run.evidence?.uncommitted.length ?? 0,
    diagnosis,
  });
  queueNotifications(ctx.store(), run, session.spec.notify, event);
}

export { stalledSince, stallStands, wasStalled } from "./stall-state.js";
