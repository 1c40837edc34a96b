/** What one delivery attempt on one channel came to (shared by every channel and deliver.ts). */
export interface DeliveryResult {
  ok: boolean;
  error?: string;
  /** ok without sending: an optional channel (desktop "auto") that has nowhere to go here. */
  skipped?: string;
  /** Retrying cannot help (program missing, no desktop, malformed URL). */
  permanent?: boolean;
}
