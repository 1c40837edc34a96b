import type { Context } from "../sessions/context.js";
import { findSession } from "../sessions/control.js";
import { sessionName } from "./actions.js";

/**
 * What the session page shows beside `status --json`: every run and how it
 * ended, a loop's iterations, and the notifications with their delivery
 * state. Notification targets are left out: a webhook URL can carry a secret.
 * Tokens and cost come with each run and iteration that reported them (null: unknown).
 */
export interface HistoryJson {
  runs: Record<string, unknown>[];
  iterations: Record<string, unknown>[];
  notifications: Record<string, unknown>[];
}

const RUN_HIDDEN = new Set([
  "runDir",
  "tmuxSessionId",
  "runnerStart",
  "agentStart",
  "journalFile",
  "sessionId",
  "id",
]);

export function history(ctx: Context, name: string): HistoryJson {
  const store = ctx.store();
  const session = findSession(ctx, sessionName(name));
  const rows = store.listRuns(session.id);
  const runNo = new Map(rows.map((r) => [r.id, r.runNo]));
  const runs = rows.map((r) => {
    const out: Record<string, unknown> = { run: r.runNo };
    for (const [k, v] of Object.entries(r)) if (!RUN_HIDDEN.has(k) && k !== "evidence") out[k] = v;
    out.usage = store.runUsage(r.id);
    out.commits = r.evidence?.commits.length ?? null;
    out.filesChanged = r.evidence?.filesChanged.length ?? null;
    return out;
  });
  // The usage rows are the finished iterations', in the same order (by id).
  const usageOf = new Map<number, unknown>();
  const usages = store.iterationUsage(session.id);
  const iterRows = store.listIterations(session.id);
  iterRows
    .filter((i) => i.outcome !== "running")
    .forEach((i, n) => usageOf.set(i.id, usages[n]?.usage ?? null));
  const iterations = iterRows.map((i) => ({
    run: runNo.get(i.runId) ?? null,
    item: i.itemText,
    itemIndex: i.itemIndex,
    attempt: i.attempt,
    startedAt: i.startedAt,
    endedAt: i.endedAt,
    durationMs: i.durationMs,
    exitCode: i.exitCode,
    signal: i.signal,
    outcome: i.outcome,
    counted: i.counted,
    reason: i.reason,
    usage: usageOf.get(i.id) ?? null,
  }));
  const notifications = rows.flatMap((r) =>
    store.listNotifications(r.id).map((n) => ({
      run: r.runNo,
      channel: n.channel,
      state: n.state,
      attempts: n.attempts,
      lastError: n.lastError,
      createdAt: n.createdAt,
      deliveredAt: n.deliveredAt,
    })),
  );
  return { runs, iterations, notifications };
}
