import { open } from "node:fs/promises";
import { AgentmuxError, show } from "../util/errors.js";
import { stripAnsi } from "../util/ansi.js";

// Logs can reach gigabytes (an agent looping on output for hours), so only
// the end is read: a small window first, grown when it held too few lines
// (escape-heavy TUI output has few newlines per KiB), up to a cap that keeps
// this fast on the path to the user's notification.
const FIRST_WINDOW = 16 * 1024;
const MAX_WINDOW = 1024 * 1024;

/**
 * The last `lines` lines of a pane log, ANSI stripped, right-trimmed, without
 * trailing blank lines. A missing file (the pane never wrote) gives [].
 */
export async function readTail(path: string, lines = 20): Promise<string[]> {
  if (lines <= 0) return [];
  let handle;
  try {
    handle = await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new AgentmuxError(
      "io",
      `Could not read the log ${show(path)}: ${(err as Error).message}`,
      {
        hint: "Check the file's permissions.",
        cause: err,
      },
    );
  }
  try {
    const size = (await handle.stat()).size;
    let window = FIRST_WINDOW;
    for (;;) {
      const start = Math.max(0, size - window);
      const buf = Buffer.alloc(size - start);
      const { bytesRead } = await handle.read(buf, 0, buf.length, start);
      const result = tailOf(buf.subarray(0, bytesRead), start > 0, lines);
      if (result.length >= lines || start === 0 || window >= MAX_WINDOW) return result;
      window *= 4;
    }
  } finally {
    await handle.close();
  }
}

/** Decode the end of a log (`cut`: it does not start at the file's start) into its last lines. */
export function tailOf(bytes: Buffer, cut: boolean, lines: number): string[] {
  let b = bytes;
  // Starting mid-file may land inside a UTF-8 character: skip continuation bytes.
  if (cut) {
    let i = 0;
    while (i < b.length && i < 3 && ((b[i] ?? 0) & 0xc0) === 0x80) i++;
    b = b.subarray(i);
  }
  // stream: true holds back a character the writer had not finished, instead
  // of ending the tail with U+FFFD.
  let text = new TextDecoder("utf-8").decode(b, { stream: true });
  // The first line of a cut window is partial (and may start mid-escape):
  // drop it, unless it is all there is.
  const nl = text.indexOf("\n");
  if (cut && nl >= 0) text = text.slice(nl + 1);
  const out = stripAnsi(text)
    .split("\n")
    .map((l) => l.trimEnd());
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.slice(-lines);
}
