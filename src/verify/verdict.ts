import type { Evidence, Verdict } from "./types.js";

export interface VerdictInput {
  exitCode: number | null;
  signal: string | null;
  evidence: Pick<Evidence, "isRepo" | "commits" | "filesChanged" | "uncommitted" | "prd">;
}

/**
 * Was the run's work real? A non-zero exit, a signal or an unknown exit is a
 * failure whatever git says: a crash outside a repository is still a crash,
 * and "failed" is the more useful thing to tell the user than
 * "unverifiable". Only a clean exit is judged by the evidence.
 */
export function decideVerdict({ exitCode, signal, evidence }: VerdictInput): Verdict {
  if (signal !== null || exitCode !== 0) return "failed";
  if (!evidence.isRepo) return "unverifiable";
  // A box ticked with nothing behind it is a claim the work does not support.
  if ((evidence.prd?.unbacked.length ?? 0) > 0) return "unverified";
  const changed =
    evidence.commits.length > 0 ||
    evidence.filesChanged.length > 0 ||
    evidence.uncommitted.length > 0;
  return changed ? "verified" : "no-changes";
}
