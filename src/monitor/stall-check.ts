import { notifyEvent } from "../notify/event.js";
import { queueNotifications } from "../notify/outbox.js";
import type { Context } from "../sessions/context.js";
import type { Diagnosis } from "../diagnose/types.js";
import type { RunRow, SessionRow, Store } from "../store/store.js";
import { stallAfterOf } from "./policy-config.js";
import {
  decideStall,
  logMoved,
  progressOf,
  sampleEveryMs,
  type StallFacts,
  type StallSample,
} from "./stall.js";
import {
  CLOCK_TICKS_PER_SECOND,
  cpuTicksByGroup,
  logMtimeMs,
  screenHash,
  treeHash,
} from "./stall-facts.js";

/**
 * Stall detection for one running run: gather the facts (cheap first), ask
 * the pure decision, keep the sample in store meta (`stallsample:<runId>`),
 * and on the first stalled verdict record `stall:<runId>` and queue one
 * notification. The caller delivers notifications and applies the policy.
 */
export interface StallCheck {
  stalled: boolean;
  /** True only for the pass that first found it stalled (notified once). */
  first: boolean;
  idleMs: number;
  diagnosis: Diagnosis;
}

const sampleKey = (runId: number): string => `stallsample:${runId}`;
export const stallKey = (runId: number): string => `stall:${runId}`;

/** One /proc scan per pass, shared by every session, and only if some sample is due. */
export class CpuScan {
  private groups: Map<number, number> | undefined;
  ticks(pgid: number | null): number | null {
    if (pgid === null) return null;
    this.groups ??= cpuTicksByGroup();
    return this.groups.get(pgid) ?? null;
  }
}

function readSample(raw: string | null): StallSample | null {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as StallSample;
  } catch {
    return null; // written only here; start a new window
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
  const prev = readSample(store.getMeta(sampleKey(run.id)));
  const already = store.getMeta(stallKey(run.id)) !== null;
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
    facts.treeHash = await treeHash(spec.cwd);
  const d = decideStall(prev, facts, opts);
  store.setMeta(sampleKey(run.id), JSON.stringify(d.sample));
  if (!d.stalled)
    return {
      stalled: false,
      first: false,
      idleMs: d.idleMs,
      diagnosis: stallDiagnosis(0, session.name),
    };

  const diagnosis = stallDiagnosis(d.idleMs, session.name);
  // Exactly one process records the stall (and so notifies), however many monitors run.
  const first = store.transaction(() => {
    if (store.getMeta(stallKey(run.id)) !== null) return false;
    store.setMeta(stallKey(run.id), new Date(now).toISOString());
    return true;
  });
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

/**
 * Since when the run has been stalled, as the monitor last saw it, or null:
 * a stall was recorded and no progress was sampled after it (for ls/status,
 * which read it without sampling anything themselves).
 */
export function stalledSince(store: Store, runId: number): string | null {
  const since = store.getMeta(stallKey(runId));
  if (since === null) return null;
  const sample = readSample(store.getMeta(sampleKey(runId)));
  return sample !== null && sample.progressAt > Date.parse(since) ? null : since;
}
