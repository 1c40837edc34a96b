/** What one delivery attempt on one channel came to (shared by every channel and deliver.ts). */
export interface DeliveryResult {
  ok: boolean;
  error?: string;
  /** Retrying cannot help (program missing, no desktop, malformed URL). */
  permanent?: boolean;
}
