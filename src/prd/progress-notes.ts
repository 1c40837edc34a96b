import { basename, dirname, join } from "node:path";

/**
 * The progress notes the loop keeps beside the PRD (PRD.md ->
 * PRD.progress.md): one line per iteration from agentmux, plus whatever the
 * agents append. It is the only memory one fresh agent has of the others.
 */
export function progressPathFor(prdPath: string): string {
  const base = basename(prdPath).replace(/\.(md|markdown|txt)$/i, "");
  return join(dirname(prdPath), `${base}.progress.md`);
}
