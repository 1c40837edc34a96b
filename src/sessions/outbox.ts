/**
 * The notification outbox moved to notify/outbox.ts (it is notify's, and
 * depends only on the store). These names stay importable from here for
 * callers written against the old place; new code imports notify/outbox.ts.
 */
export {
  deliverDeferred,
  deliverPending,
  FOLLOW_UP_MAX_MS,
  nextNotificationDue,
  notifyWindowMs,
  queueNotifications,
  type DeliverPendingOptions,
  type OutboxResult,
} from "../notify/outbox.js";
