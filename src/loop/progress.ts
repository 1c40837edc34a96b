import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { formatDuration } from "../util/format-duration.js";

/**
 * The progress notes the loop keeps beside the PRD (PRD.md ->
 * PRD.progress.md): one line per iteration from agentmux, plus whatever the
 * agents append. It is the only memory one fresh agent has of the others.
 */
export function progressPathFor(prdPath: string): string {
  const base = basename(prdPath).replace(/\.(md|markdown|txt)$/i, "");
  return join(dirname(prdPath), `${base}.progress.md`);
}

export function ensureProgressFile(path: string, prdName: string): void {
  if (existsSync(path)) return;
  writeFileSync(
    path,
    `# Progress notes for ${prdName}\n\nKept by agentmux loop: one line per iteration, and notes from the agents.\n\n`,
  );
}

export function appendProgress(
  path: string,
  entry: { item: string; attempt: number; outcome: string; reason: string; at?: Date },
): void {
  const at = (entry.at ?? new Date()).toISOString().slice(0, 19).replace("T", " ");
  const text = `- ${at} · ${entry.outcome} · "${entry.item}" (attempt ${entry.attempt}): ${entry.reason}\n`;
  appendFileSync(path, text);
}

/** One line for the pane: item k of n, attempt, elapsed, outcome. */
export function paneLine(p: {
  index: number;
  total: number;
  attempt: number;
  maxAttempts: number;
  item: string;
  text: string;
  elapsedMs?: number;
}): string {
  const item = p.item.length > 60 ? `${p.item.slice(0, 59)}…` : p.item;
  const elapsed = p.elapsedMs === undefined ? "" : ` · ${formatDuration(p.elapsedMs)}`;
  return `[agentmux loop] item ${p.index + 1}/${p.total} · attempt ${p.attempt}/${p.maxAttempts}${elapsed} · "${item}" · ${p.text}`;
}
