/**
 * What the loop's check depends on, and whether an iteration gamed it. Pure:
 * the check command, the declared globs and what git and the check reported
 * in; paths and reasons out. The adapter that asks git is loop/guard.ts.
 *
 * The check is the loop's only judge of an item, so it must not be
 * rewritable by the work it judges: an agent that replaces `check.sh` with
 * `echo "# tests 1"`, deletes the failing tests or rewrites the package's
 * `test` script would otherwise pass.
 */

/** A protected path: an exact repo-relative file, or a glob as git reads it ("test/**"). */
export interface ProtectedPath {
  path: string;
  glob: boolean;
}

/**
 * Words of a check command that may name a file: the command split on blanks,
 * quotes and shell operators. Rough on purpose: a word is kept as a file only
 * if a file of that name exists in the tree, so over-splitting costs nothing
 * and `sh -c 'sh check.sh'` still finds check.sh.
 */
export function commandWords(command: string): string[] {
  return command
    .split(/[\s;&|()<>'"`]+/)
    .filter((w) => w !== "" && !w.startsWith("-") && !w.includes("=") && !w.includes("$"));
}

// Package-manager commands that are not scripts.
const NOT_SCRIPTS = new Set(["install", "ci", "exec", "add", "i", "x", "dlx", "run", "test:"]);

/**
 * The package.json scripts a check runs, in order: `npm test`, `npm run check`,
 * `yarn test`, `pnpm run lint && pnpm test`, also inside `sh -c '…'`.
 */
export function packageScripts(command: string): string[] {
  const re =
    /(?:^|[\s;&|('"`])(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+|--silent\s+|-s\s+)*([\w:.-]+)/g;
  const names: string[] = [];
  for (let m = re.exec(command); m !== null; m = re.exec(command)) {
    const raw = m[1] ?? "";
    const name = raw === "t" || raw === "tst" ? "test" : raw;
    if (!NOT_SCRIPTS.has(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Resolve a word of the check command (relative to the check's cwd) to a repo-relative path. */
export function repoPath(word: string, cwdRel: string): string | null {
  const parts = [...(cwdRel === "" ? [] : cwdRel.split("/")), ...word.split("/")];
  const out: string[] = [];
  for (const p of parts) {
    if (p === "" || p === ".") continue;
    if (p === "..") {
      if (out.length === 0) return null; // outside the tree: not the loop's to guard
      out.pop();
    } else out.push(p);
  }
  return word.startsWith("/") || out.length === 0 ? null : out.join("/");
}

/**
 * Everything the check depends on: the files its command (and the package
 * script it runs) names, that exist in the tree, plus the declared globs
 * (`--protect`, config `loop.protect`).
 */
export function protectedPaths(input: {
  check: string | undefined;
  /** The texts of the package.json scripts the check runs. */
  scriptTexts?: readonly (string | null)[];
  cwdRel: string;
  globs: readonly string[];
  isFile(repoRel: string): boolean;
}): ProtectedPath[] {
  const files = new Set<string>();
  const texts = [input.check ?? "", ...(input.scriptTexts ?? []).map((t) => t ?? "")];
  for (const text of texts) {
    for (const w of commandWords(text)) {
      const rel = repoPath(w, input.cwdRel);
      if (rel !== null && input.isFile(rel)) files.add(rel);
    }
  }
  return [
    ...[...files].sort().map((path) => ({ path, glob: false })),
    ...[...new Set(input.globs)].map((path) => ({ path: path.replace(/^\.\//, ""), glob: true })),
  ];
}

/**
 * A test count that fell sharply since the previous passing iteration (40,
 * then 1): tests deleted or skipped to make the check pass. Less than half
 * of before counts; so does a count that vanished (the output no longer
 * reports one, as when the runner was swapped for `true`).
 */
export function countFell(previous: number | null, now: number | null): string | null {
  if (previous === null || previous < 2) return null;
  if (now === null) return `the check reported ${previous} tests before and no test count now`;
  if (now * 2 < previous) return `the check's test count fell from ${previous} to ${now}`;
  return null;
}

/** One reason naming what was changed. */
export function tamperReason(files: readonly string[], scripts: readonly string[]): string | null {
  const parts: string[] = [];
  if (files.length > 0) {
    const shown = files.slice(0, 5).join(", ") + (files.length > 5 ? `, … (${files.length})` : "");
    parts.push(`files the check depends on changed since the loop started: ${shown}`);
  }
  if (scripts.length > 0) {
    const names = scripts.map((s) => `"${s}"`).join(", ");
    parts.push(`the package.json script(s) ${names} the check runs were changed`);
  }
  return parts.length === 0 ? null : parts.join("; ");
}
