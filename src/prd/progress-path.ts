import { basename, dirname, join } from "node:path";

/**
 * Where a loop keeps its progress notes: beside the PRD (PRD.md ->
 * PRD.progress.md). A PRD fact, not a loop one: the finisher and `verify`
 * set this file apart from a loop's work as they do the PRD itself.
 */
export function progressPathFor(prdPath: string): string {
  const base = basename(prdPath).replace(/\.(md|markdown|txt)$/i, "");
  return join(dirname(prdPath), `${base}.progress.md`);
}
