import { deliverCommand } from "./channels/command.js";
import { deliverDesktop } from "./channels/desktop.js";
import { deliverWebhook } from "./channels/webhook.js";
import type { DeliveryResult } from "./channels/result.js";
import type { PlannedNotification } from "./plan.js";

export type { DeliveryResult } from "./channels/result.js";

export interface DeliverOptions {
  /** Per attempt; defaults per channel (command 10 s, webhook 5 s). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Send one planned notification once. Never throws: failures come back as `error`. */
export async function deliver(
  planned: PlannedNotification,
  opts: DeliverOptions = {},
): Promise<DeliveryResult> {
  const timeout = opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {};
  const env = opts.env ? { env: opts.env } : {};
  const p = planned.payload;
  try {
    switch (planned.channel) {
      case "command":
        return await deliverCommand(p.argv ?? [], { ...timeout, ...env });
      case "webhook":
        return await deliverWebhook(planned.target, p.body ?? {}, timeout);
      case "desktop":
        return await deliverDesktop(p.title ?? "agentmux", p.text ?? "", {
          ...timeout,
          ...env,
          ...(p.optional ? { optional: true } : {}),
        });
      default:
        return {
          ok: false,
          error: `unknown channel ${JSON.stringify(planned.channel)}`,
          permanent: true,
        };
    }
  } catch (e) {
    // A notification must never crash the process that settles a run.
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Deliver with a few quick retries for passing failures (a webhook's 502, a
 * busy gateway). Longer outages are left to the outbox and the heartbeat.
 */
export async function deliverWithRetries(
  planned: PlannedNotification,
  opts: DeliverOptions & { attempts?: number; backoffMs?: readonly number[] } = {},
): Promise<DeliveryResult> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const backoff = opts.backoffMs ?? [200, 1000];
  let result: DeliveryResult = { ok: false, error: "not attempted" };
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await delay(backoff[Math.min(i - 1, backoff.length - 1)] ?? 0);
    result = await deliver(planned, opts);
    if (result.ok || result.permanent) return result;
  }
  return attempts > 1
    ? { ...result, error: `${result.error ?? "failed"} (after ${attempts} attempts)` }
    : result;
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
