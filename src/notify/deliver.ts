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
        if (legacyAgentTextInArgv(p)) {
          return {
            ok: false,
            permanent: true,
            error:
              "planned by an older agentmux with the summary in its arguments: not run (agent text never goes into argv)",
          };
        }
        return await deliverCommand(p.argv ?? [], {
          ...timeout,
          env: commandEnv(opts.env ?? process.env, p.env),
          ...(p.body === undefined ? {} : { input: `${JSON.stringify(p.body)}\n` }),
        });
      case "webhook":
        return await deliverWebhook(planned.target, p.body ?? {}, timeout);
      case "desktop":
        return await deliverDesktop(p.title ?? "agentmux", p.text ?? "", { ...timeout, ...env });
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
 * A command row stored by a version that substituted the summary into argv
 * (it has no AGENTMUX_* environment): sending it could hand agent text to a
 * shell, so it is failed instead, visibly.
 */
function legacyAgentTextInArgv(p: PlannedNotification["payload"]): boolean {
  if (p.env !== undefined) return false;
  const text = p.text ?? "";
  return text !== "" && (p.argv ?? []).some((a) => a.includes(text));
}

/**
 * The run's environment plus the event's AGENTMUX_* values, without the
 * variables that mark a process as one of the run's own (AGENTMUX_RUN,
 * AGENTMUX_RUN_DIR): a daemon a notification command starts (a gateway, say)
 * must not be taken for something the agent left behind and ended with it.
 */
export function commandEnv(
  base: NodeJS.ProcessEnv,
  extra: Readonly<Record<string, string>> | undefined,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...(extra ?? {}) };
  delete env.AGENTMUX_RUN;
  delete env.AGENTMUX_RUN_DIR;
  return env;
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
