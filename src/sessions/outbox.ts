import { createHash } from "node:crypto";
import { combine, DEFAULT_WINDOW_MS, planOutbox, type OutboxPlan } from "../notify/coalesce.js";
import { deliverWithRetries } from "../notify/deliver.js";
import type { Store } from "../store/store.js";
import { join } from "node:path";
import { readEnvFile } from "./envfile.js";

/**
 * Notifications go through the store: planned rows are written `pending`
 * first, then claimed (pending -> sending) in a transaction before delivery,
 * so two processes (the finisher and a later heartbeat) never both send one.
 * A claimer that crashes mid-delivery leaves a `sending` row that is
 * re-claimed after STALE_CLAIM_MS: a crash can cause a repeat, never a loss.
 * Rows for one destination are coalesced: at most one message per window
 * (notify/coalesce.ts); later ones wait, pending, for the next delivery.
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
  /** Rows left pending because their destination got a message less than a window ago. */
  deferred: number;
  /** When the earliest deferred destination opens again (ISO), for a monitor's timer. */
  nextDueAt: string | null;
}

/**
 * When each destination last got a message, as one meta row (hashed keys:
 * a command's argv can be long). Entries older than PRUNE_AFTER_MS are
 * dropped on write; no window is that long.
 */
const DESTINATIONS_KEY = "notify:destinations";
const PRUNE_AFTER_MS = 60 * 60_000;

const hash = (key: string): string => createHash("sha1").update(key).digest("hex");

function readDestinations(store: Store): Record<string, string> {
  const raw = store.getMeta(DESTINATIONS_KEY);
  if (raw === null) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, string>) : {};
  } catch {
    return {}; // only written here; unreadable means send now rather than never
  }
}

function writeDestinations(store: Store, sent: Record<string, string>, now: number): void {
  const kept = Object.entries(sent).filter(([, at]) => now - Date.parse(at) < PRUNE_AFTER_MS);
  store.setMeta(DESTINATIONS_KEY, JSON.stringify(Object.fromEntries(kept)));
}

export interface DeliverPendingOptions {
  attempts?: number;
  env?: NodeJS.ProcessEnv;
  /** The finisher's call: only destinations this run notifies (with everything pending for them). */
  runId?: number;
  /** One message per destination per window (notify/coalesce.ts); 0 sends everything now. */
  windowMs?: number;
  now?: () => number;
}

/**
 * Decide and claim in one transaction: which destinations may get a message
 * now (their window passed), every open row of those, and the new send
 * times. A concurrent deliverer then sees the destination as just served
 * and leaves later rows pending for the next window.
 */
function claimBatches(store: Store, opts: DeliverPendingOptions): OutboxPlan {
  const now = (opts.now ?? Date.now)();
  const claimer = `pid:${process.pid}`;
  return store.transaction(() => {
    const open = store.openNotifications(now, STALE_CLAIM_MS);
    const sent = readDestinations(store);
    const plan = planOutbox(open, (key) => sent[hash(key)] ?? null, now, {
      windowMs: opts.windowMs ?? DEFAULT_WINDOW_MS,
      ...(opts.runId === undefined ? {} : { runId: opts.runId }),
    });
    const batches = plan.send.flatMap((batch) => {
      const ids = batch.rows.map((r) => r.id);
      const claimed = store.claimNotifications(ids, claimer, now, STALE_CLAIM_MS);
      if (claimed.length === 0) return [];
      sent[hash(batch.key)] = new Date(now).toISOString();
      return [{ ...batch, rows: claimed, planned: combine(claimed) }];
    });
    if (batches.length > 0) writeDestinations(store, sent, now);
    return { send: batches, deferred: plan.deferred };
  });
}

export async function deliverPending(
  store: Store,
  opts: DeliverPendingOptions = {},
): Promise<OutboxResult> {
  const plan = claimBatches(store, opts);
  const result: OutboxResult = {
    delivered: 0,
    failed: [],
    deferred: plan.deferred.reduce((n, d) => n + d.ids.length, 0),
    nextDueAt: plan.deferred.map((d) => d.notBefore).sort()[0] ?? null,
  };
  await Promise.all(
    plan.send.map(async ({ rows, planned }) => {
      const first = rows[0];
      if (first === undefined) return;
      const env = opts.env ?? envOfRun(store, first.runId);
      const outcome = await deliverWithRetries(planned, {
        attempts: opts.attempts ?? 3,
        ...(env ? { env } : {}),
      });
      for (const row of rows) {
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
      }
    }),
  );
  return result;
}

/** When the next deferred notification may go out (ISO), or null: for watch's timer. */
export function nextNotificationDue(
  store: Store,
  opts: { windowMs?: number; now?: number } = {},
): string | null {
  const now = opts.now ?? Date.now();
  const sent = readDestinations(store);
  const plan = planOutbox(
    store.openNotifications(now, STALE_CLAIM_MS),
    (k) => sent[hash(k)] ?? null,
    now,
    {
      windowMs: opts.windowMs ?? DEFAULT_WINDOW_MS,
    },
  );
  if (plan.send.length > 0) return new Date(now).toISOString();
  return plan.deferred.map((d) => d.notBefore).sort()[0] ?? null;
}
