import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

/**
 * HEAD's commit read straight from the repository's files, without starting
 * git: a loop asks for it before every iteration, and a git process costs
 * several milliseconds of the loop's own overhead. Handles a branch (loose or
 * packed ref), a detached HEAD and a linked worktree (`.git` file). Returns
 * null whenever the layout is anything else (reftable, a symbolic ref chain,
 * an unborn branch, a missing file): the caller then asks git itself.
 */
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

function read(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** The git directory of a working tree's top: `.git` itself, or where a worktree's `.git` file points. */
function gitDirOf(top: string): string | null {
  const dotGit = join(top, ".git");
  const file = read(dotGit);
  if (file === null) return dotGit; // a directory (read fails with EISDIR), or missing: checked below
  const m = /^gitdir: (.+)$/m.exec(file);
  if (!m?.[1]) return null;
  return isAbsolute(m[1]) ? m[1] : resolve(top, m[1]);
}

export function headFromFiles(top: string): string | null {
  const gitDir = gitDirOf(top);
  if (gitDir === null) return null;
  const head = read(join(gitDir, "HEAD"))?.trim();
  if (head === undefined) return null;
  if (SHA.test(head)) return head; // detached
  const ref = /^ref: (refs\/[^\s]+)$/.exec(head)?.[1];
  if (ref === undefined || ref.includes("..")) return null;
  // Refs live in the common directory; a worktree's own dir holds only its HEAD.
  const common = read(join(gitDir, "commondir"))?.trim();
  const commonDir = common ? resolve(gitDir, common) : gitDir;
  if (read(join(commonDir, "reftable", "tables.list")) !== null) return null;
  const loose = read(join(commonDir, ref))?.trim();
  if (loose !== undefined) return SHA.test(loose) ? loose : null;
  const packed = read(join(commonDir, "packed-refs"));
  if (packed === null) return null;
  for (const line of packed.split("\n")) {
    const [sha, name] = line.split(" ");
    if (name === ref && sha !== undefined && SHA.test(sha)) return sha;
  }
  return null; // unborn branch, or a ref we cannot see: ask git
}

/**
 * HEAD's branch read from the repository's files: the branch name, null when
 * HEAD is detached, undefined when the layout is one this does not read.
 */
export function headBranchFromFiles(top: string): string | null | undefined {
  const gitDir = gitDirOf(top);
  if (gitDir === null) return undefined;
  const head = read(join(gitDir, "HEAD"))?.trim();
  if (head === undefined) return undefined;
  if (SHA.test(head)) return null;
  const ref = /^ref: refs\/heads\/([^\s]+)$/.exec(head)?.[1];
  return ref === undefined || ref.includes("..") ? undefined : ref;
}
