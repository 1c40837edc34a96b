import { statSync } from "node:fs";

/**
 * When a run's pane log (output.log) was last written, as ISO 8601; null when
 * nothing was written yet or the log cannot be read. For a live run this is
 * when the agent last printed; the judge records it once, as the run
 * settles (RunRow.lastOutputAt), so listing a settled run reads no file.
 */
export function logWrittenAt(path: string | undefined): string | null {
  if (!path) return null;
  try {
    // No exception for a log not written yet: ls asks this of many sessions.
    return statSync(path, { throwIfNoEntry: false })?.mtime.toISOString() ?? null;
  } catch {
    return null; // unreadable: no output to show
  }
}
