/**
 * When a failed delivery is tried again. Pure: the row's history and the
 * clock in, a decision out.
 *
 * A failure (HTTP 500, connection refused, a command exiting non-zero) is
 * retried with a doubling delay, up to a bound; then the row is `failed`
 * and shows in `status`, `ls` and `heartbeat` until `agentmux notify retry`.
 */

/** First retry: a restarting gateway or a webhook's passing 502 is usually back within seconds. */
export const RETRY_FIRST_DELAY_MS = 5_000;
/** The delay doubles up to this: a long outage costs at most 12 attempts an hour, never a flood. */
export const RETRY_MAX_DELAY_MS = 5 * 60_000;
/**
 * Give up a day after the first try (about 300 attempts): news of a run's end
 * older than that is history, and the failure is then shown, not hidden.
 */
export const RETRY_GIVE_UP_MS = 24 * 60 * 60_000;

export type AfterFailure = { state: "pending"; nextAttemptAt: string } | { state: "failed" };

/** Delay before the next attempt, after `attempts` tries (1 = the first failed). */
export function retryDelayMs(attempts: number): number {
  const doublings = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(RETRY_FIRST_DELAY_MS * 2 ** doublings, RETRY_MAX_DELAY_MS);
}

export function afterFailure(
  row: { attempts: number; createdAt: string; retrySince: string | null },
  now: number,
  permanent: boolean,
): AfterFailure {
  if (permanent) return { state: "failed" };
  const since = Date.parse(row.retrySince ?? row.createdAt);
  const next = now + retryDelayMs(row.attempts);
  if (!Number.isFinite(since) || next - since > RETRY_GIVE_UP_MS) return { state: "failed" };
  return { state: "pending", nextAttemptAt: new Date(next).toISOString() };
}
