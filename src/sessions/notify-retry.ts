import { AgentmuxError, show } from "../util/errors.js";
import type { Context } from "./context.js";
import { findSession } from "./control.js";
import { notificationView, type NotificationView } from "./notify-view.js";
import { deliverPending, notifyWindowMs } from "../notify/outbox.js";

/**
 * `agentmux notify retry NAME`: the session's failed notifications are
 * pending again with a fresh retry bound (notify/retry.ts) and sent now.
 * Returns each one as it stands afterwards.
 */
export async function retryNotifications(ctx: Context, name: string): Promise<NotificationView[]> {
  const store = ctx.store();
  const session = findSession(ctx, name);
  const rows = store.retryFailedNotifications(session.id);
  if (rows.length === 0) {
    throw new AgentmuxError("state", `Session ${show(name)} has no failed notification`, {
      hint: `agentmux status ${name} shows its notifications`,
    });
  }
  await deliverPending(store, { windowMs: notifyWindowMs(ctx.config()) });
  const ids = new Set(rows.map((r) => r.id));
  return [...new Set(rows.flatMap((r) => (r.runId === null ? [] : [r.runId])))]
    .flatMap((runId) => store.listNotifications(runId))
    .filter((r) => ids.has(r.id))
    .map(notificationView);
}
