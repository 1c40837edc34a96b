import { createHash } from "node:crypto";
import { readRunEnv } from "../rundir/env.js";
import type { NotificationRow, Store } from "../store/store.js";
import { desktopAvailable } from "./channels/desktop.js";
import { combine, DEFAULT_WINDOW_MS, planOutbox, type OutboxPlan } from "./coalesce.js";
import { deliverWithRetries } from "./deliver.js";
import { planNotifications, type NotifySettings } from "./plan.js";
import { afterFailure } from "./retry.js";
import type { NotifyEvent } from "./summary.js";

/**
 * The notification outbox. Notifications go through the store: planned rows
 * are written `pending` first (queueNotifications), then claimed
 * (pending -> sending) in a transaction before delivery (deliverPending), so
 * two processes (the finisher and a later heartbeat) never both send one.
 * A claimer that crashes mid-delivery leaves a `sending` row that is
 * re-claimed after STALE_CLAIM_MS: a crash can cause a repeat, never a loss.
 * Rows for one destination are coalesced: at most one message per window
 * (coalesce.ts); later ones wait, pending, for the next delivery, and a
 * failed one for its retry (retry.ts).
 */
const STALE_CLAIM_MS = 5 * 60_000;

/** What the outbox needs of the store: the notification rows, a meta row, transactions. */
export type OutboxStore = Pick<
  Store,
  | "addNotifications"
  | "openNotifications"
  | "claimNotifications"
  | "markDelivered"
  | "markAttemptFailed"
  | "destinationOpenings"
  | "setDestinationOpenings"
  | "getRun"
  | "transaction"
>;

/**
 * Notification commands run with the environment of the `agentmux run` call
 * that started the session (its PATH finds `openclaw`), not with whatever
 * process happens to deliver: the finisher in the pane has the tmux
 * server's frozen environment, a monitor has its own.
 */
function envOfRun(store: OutboxStore, runId: number | null): NodeJS.ProcessEnv | undefined {
  // A remote run's row (no local run): the deliverer's own environment.
  const run = runId === null ? null : store.getRun(runId);
  // Run directory purged: deliver with this process's environment.
  return run ? (readRunEnv(run.runDir) ?? undefined) : undefined;
}

/**
 * Plan one event's notifications for a session's settings and queue them
 * (pending) for deliverPending. `runDir`: the run's directory, whose
 * environment says whether desktop "auto" has a desktop to show it on.
 */
export function queueNotifications(
  store: OutboxStore,
  run: { id: number; runDir: string },
  settings: NotifySettings,
  event: NotifyEvent,
): NotificationRow[] {
  const auto = settings.desktop === "auto";
  const planned = planNotifications(settings, event, {
    desktopAvailable: auto && desktopAvailable(readRunEnv(run.runDir) ?? process.env),
  });
  return store.addNotifications(run.id, planned);
}

export interface OutboxResult {
  delivered: number;
  /** Attempts that failed in this call: `final` ones were given up (state failed), others wait for nextAttemptAt. */
  failed: {
    channel: string;
    target: string;
    error: string;
    final: boolean;
    nextAttemptAt: string | null;
  }[];
  /** Rows left pending because their destination got a message less than a window ago. */
  deferred: number;
  /** When the earliest deferred destination opens again (ISO), for a monitor's timer. */
  nextDueAt: string | null;
}

/**
 * When each destination may get its next message (its last send plus the
 * sender's window), in the store's notify_destinations table (hashed keys: a
 * command's argv can be long). Recording the opening rather than the send time means a later
 * deliverer (heartbeat, watch) honours the window the sender was configured
 * with without knowing it. Entries that opened over PRUNE_AFTER_MS ago are
 * dropped on write.
 */
const PRUNE_AFTER_MS = 60 * 60_000;

const hash = (key: string): string => createHash("sha1").update(key).digest("hex");

function readDestinations(store: OutboxStore): Record<string, string> {
  return Object.fromEntries(store.destinationOpenings());
}

function writeDestinations(store: OutboxStore, sent: Record<string, string>, now: number): void {
  store.setDestinationOpenings(
    new Map(Object.entries(sent)),
    new Date(now - PRUNE_AFTER_MS).toISOString(),
  );
}

export interface DeliverPendingOptions {
  attempts?: number;
  env?: NodeJS.ProcessEnv;
  /** The finisher's call: only destinations this run notifies (with everything pending for them). */
  runId?: number;
  /** One message per destination per window (coalesce.ts); 0 sends everything now. */
  windowMs?: number;
  now?: () => number;
}

/**
 * Decide and claim in one transaction: which destinations may get a message
 * now (their window passed), every open row of those, and the new send
 * times. A concurrent deliverer then sees the destination as just served
 * and leaves later rows pending for the next window.
 */
function claimBatches(store: OutboxStore, opts: DeliverPendingOptions): OutboxPlan {
  const now = (opts.now ?? Date.now)();
  const claimer = `pid:${process.pid}`;
  return store.transaction(() => {
    const open = store.openNotifications(now, STALE_CLAIM_MS);
    const sent = readDestinations(store);
    // The stored times are openings already (see DESTINATIONS_KEY): no window on top.
    const plan = planOutbox(open, (key) => sent[hash(key)] ?? null, now, {
      windowMs: 0,
      ...(opts.runId === undefined ? {} : { runId: opts.runId }),
    });
    const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
    const batches = plan.send.flatMap((batch) => {
      const ids = batch.rows.map((r) => r.id);
      const claimed = store.claimNotifications(ids, claimer, now, STALE_CLAIM_MS);
      if (claimed.length === 0) return [];
      sent[hash(batch.key)] = new Date(now + windowMs).toISOString();
      return [{ ...batch, rows: claimed, planned: combine(claimed) }];
    });
    if (batches.length > 0) writeDestinations(store, sent, now);
    return { send: batches, deferred: plan.deferred };
  });
}

export async function deliverPending(
  store: OutboxStore,
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
      // One attempt per claim: retries are spaced by the backoff
      // (retry.ts), not fired in a burst by every deliverer that comes by.
      const outcome = await deliverWithRetries(planned, {
        attempts: opts.attempts ?? 1,
        ...(env ? { env } : {}),
      });
      const failedAt = (opts.now ?? Date.now)();
      for (const row of rows) {
        if (outcome.ok) {
          store.markDelivered(row.id);
          result.delivered++;
        } else {
          const error = outcome.error ?? "unknown error";
          // A failure a retry can fix waits for its next attempt; one it
          // cannot (missing program, bad URL), or past the bound, is final.
          const next = afterFailure(row, failedAt, outcome.permanent === true);
          const nextAttemptAt = next.state === "pending" ? next.nextAttemptAt : null;
          store.markAttemptFailed(row.id, error, { final: next.state === "failed", nextAttemptAt });
          result.failed.push({
            channel: row.channel,
            target: row.target,
            error,
            final: next.state === "failed",
            nextAttemptAt,
          });
          if (nextAttemptAt !== null) {
            // Waiting for a retry is waiting too: a finisher follows it up (deliverDeferred).
            result.deferred++;
            if (result.nextDueAt === null || nextAttemptAt < result.nextDueAt) {
              result.nextDueAt = nextAttemptAt;
            }
          }
        }
      }
    }),
  );
  return result;
}

/**
 * When the next pending notification may go out (ISO; now when one may go
 * now), or null when nothing is pending: for watch's timer. A monitor calls
 * `deliverPending(store)` at that time.
 */
export function nextNotificationDue(
  store: OutboxStore,
  opts: { now?: number } = {},
): string | null {
  const now = opts.now ?? Date.now();
  const sent = readDestinations(store);
  const plan = planOutbox(
    store.openNotifications(now, STALE_CLAIM_MS),
    (k) => sent[hash(k)] ?? null,
    now,
    { windowMs: 0 },
  );
  if (plan.send.length > 0) return new Date(now).toISOString();
  return plan.deferred.map((d) => d.notBefore).sort()[0] ?? null;
}

/** The coalescing window the config asks for (notify.coalesceSeconds), in ms. */
export function notifyWindowMs(config: {
  notify: { coalesceSeconds?: number | undefined };
}): number {
  const s = config.notify.coalesceSeconds;
  return s === undefined ? DEFAULT_WINDOW_MS : Math.round(s * 1000);
}

/** A finisher does not wait longer than this for a destination's window (a window is 30 s). */
export const FOLLOW_UP_MAX_MS = 2 * 60_000;

/**
 * The finisher's follow-up: rows it had to leave pending (their destination
 * got a message less than a window ago) are sent by this same process when
 * the window opens — unless someone else (another finisher, `heartbeat`,
 * `watch`) sent them first, in which case the claim finds nothing. Without
 * it, the last of ten sessions ending together would wait for a monitor
 * that may not run. Returns the last delivery's result.
 */
export async function deliverDeferred(
  store: OutboxStore,
  first: OutboxResult,
  opts: DeliverPendingOptions & { sleep?: (ms: number) => Promise<void> } = {},
): Promise<OutboxResult> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let result = first;
  // A few rounds at most: each round either sends or finds the rows gone.
  for (let round = 0; round < 3 && result.deferred > 0 && result.nextDueAt !== null; round++) {
    const wait = Date.parse(result.nextDueAt) - now();
    if (wait > FOLLOW_UP_MAX_MS) break;
    // Jitter: finishers that deferred together wake apart; the first claims all.
    await sleep(Math.max(0, wait) + 20 + Math.floor(Math.random() * 200));
    result = await deliverPending(store, opts);
  }
  return result;
}
