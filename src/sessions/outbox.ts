import { deliverWithRetries } from "../notify/deliver.js";
import type { PlannedNotification } from "../notify/plan.js";
import type { Store } from "../store/store.js";

/**
 * Notifications go through the store: planned rows are written `pending`
 * first, then claimed (pending -> sending) in a transaction before delivery,
 * so two processes (the finisher and a later heartbeat) never both send one.
 * A claimer that crashes mid-delivery leaves a `sending` row that is
 * re-claimed after STALE_CLAIM_MS: a crash can cause a repeat, never a loss.
 */
const STALE_CLAIM_MS = 5 * 60_000;

export interface OutboxResult {
  delivered: number;
  failed: { channel: string; target: string; error: string }[];
}

export async function deliverPending(
  store: Store,
  opts: { attempts?: number; env?: NodeJS.ProcessEnv; runId?: number } = {},
): Promise<OutboxResult> {
  const claimer = `pid:${process.pid}`;
  const rows = store.claimPending({
    claimer,
    staleAfterMs: STALE_CLAIM_MS,
    ...(opts.runId === undefined ? {} : { runId: opts.runId }),
  });
  const result: OutboxResult = { delivered: 0, failed: [] };
  await Promise.all(
    rows.map(async (row) => {
      const planned = {
        channel: row.channel,
        target: row.target,
        payload: row.payload,
      } as PlannedNotification;
      const outcome = await deliverWithRetries(planned, {
        attempts: opts.attempts ?? 3,
        ...(opts.env ? { env: opts.env } : {}),
      });
      if (outcome.ok) {
        store.markDelivered(row.id);
        result.delivered++;
      } else {
        const error = outcome.error ?? "unknown error";
        // A failure a retry can fix stays pending for `agentmux heartbeat`;
        // one it cannot (missing program, bad URL) is final.
        store.markAttemptFailed(row.id, error, { final: outcome.permanent === true });
        result.failed.push({ channel: row.channel, target: row.target, error });
      }
    }),
  );
  return result;
}
