import { deliverWithRetries } from "../notify/deliver.js";
import type { PlannedNotification } from "../notify/plan.js";
import type { Store } from "../store/store.js";
import { join } from "node:path";
import { readEnvFile } from "./envfile.js";

/**
 * Notifications go through the store: planned rows are written `pending`
 * first, then claimed (pending -> sending) in a transaction before delivery,
 * so two processes (the finisher and a later heartbeat) never both send one.
 * A claimer that crashes mid-delivery leaves a `sending` row that is
 * re-claimed after STALE_CLAIM_MS: a crash can cause a repeat, never a loss.
 */
const STALE_CLAIM_MS = 5 * 60_000;

/**
 * Notification commands run with the environment of the `agentmux run` call
 * that started the session (its PATH finds `openclaw`), not with whatever
 * process happens to deliver: the finisher in the pane has the tmux
 * server's frozen environment, a monitor has its own.
 */
function envOfRun(store: Store, runId: number): NodeJS.ProcessEnv | undefined {
  const run = store.getRun(runId);
  if (!run) return undefined;
  try {
    return readEnvFile(join(run.runDir, "env"));
  } catch {
    return undefined; // run directory purged: deliver with this process's environment
  }
}

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
      const env = opts.env ?? envOfRun(store, row.runId);
      const outcome = await deliverWithRetries(planned, {
        attempts: opts.attempts ?? 3,
        ...(env ? { env } : {}),
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
