import { mkdir, readFile, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { AgentmuxError, show } from "../util/errors.js";
import {
  endLine,
  localDate,
  markerFor,
  startLine,
  type EndEntry,
  type StartEntry,
} from "./line.js";
import { withFileLock, writeFileAtomic, type LockOptions } from "./lock.js";
import { binaryToBuffer, bufferToBinary, rewriteEntry, upsertEntry } from "./markdown.js";

/**
 * The daily-notes mirror: `DIR/YYYY-MM-DD.md`, section "Active Long-Running
 * Processes", one line per run. The store is the truth; this is for people
 * (and assistants) who read their notes. Edits are locked, atomic, and leave
 * every other byte of the file as it was.
 */

export type { EndEntry, StartEntry } from "./line.js";

// Keys are `name#runId`; nothing that could end the HTML comment or the line.
const RUN_KEY_RE = /^[A-Za-z0-9._:@#+-]{1,200}$/;

function checkRunKey(runKey: string): void {
  if (!RUN_KEY_RE.test(runKey)) {
    throw new AgentmuxError(
      "bad-value",
      `Expected a journal run key of letters, digits and ._:@#+-, got ${show(runKey)}`,
      {
        hint: "use the session name and run id, e.g. login#7",
      },
    );
  }
}

const isCode = (e: unknown, code: string): boolean =>
  (e as NodeJS.ErrnoException | null)?.code === code;

async function readIfExists(file: string): Promise<{ doc: string; mode: number } | null> {
  try {
    const [buf, st] = await Promise.all([readFile(file), stat(file)]);
    return { doc: bufferToBinary(buf), mode: st.mode & 0o7777 };
  } catch (e) {
    if (isCode(e, "ENOENT")) return null;
    throw e;
  }
}

/** Add the run's line under "Active Long-Running Processes" in the note for its start date. Returns the file. */
export async function journalStart(
  dir: string,
  entry: StartEntry,
  opts: LockOptions = {},
): Promise<string> {
  checkRunKey(entry.runKey);
  const root = resolve(dir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const file = join(root, `${localDate(entry.startedAt)}.md`);
  const line = startLine(entry);
  await withFileLock(
    file,
    async () => {
      const current = await readIfExists(file);
      const next = upsertEntry(current?.doc ?? "", line, markerFor(entry.runKey));
      // Notes may hold private context: a note we create is readable by its owner only.
      await writeFileAtomic(file, binaryToBuffer(next), current?.mode ?? 0o600);
    },
    opts,
  );
  return file;
}

/**
 * Rewrite the run's line, wherever it is now, with how the run ended. Returns
 * false (and changes nothing) when the file or the line is gone: a line the
 * user deleted stays deleted.
 */
export async function journalEnd(
  file: string,
  runKey: string,
  end: EndEntry,
  opts: LockOptions = {},
): Promise<boolean> {
  checkRunKey(runKey);
  // No file, no line: do not create a lock file (or a directory) for nothing.
  if ((await stat(file).catch(() => null)) === null) return false;
  const day = /^(\d{4}-\d{2}-\d{2})\.md$/.exec(basename(file))?.[1] ?? null;
  return withFileLock(
    file,
    async () => {
      const current = await readIfExists(file);
      if (!current) return false;
      const next = rewriteEntry(current.doc, markerFor(runKey), (old) =>
        endLine(old, runKey, end, day),
      );
      if (next === null) return false;
      if (next !== current.doc) await writeFileAtomic(file, binaryToBuffer(next), current.mode);
      return true;
    },
    opts,
  );
}
