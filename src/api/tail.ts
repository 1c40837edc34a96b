import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { Context } from "../sessions/context.js";
import { findSession } from "../sessions/control.js";
import { isLive } from "../sessions/lifecycle.js";
import { refreshSession } from "../sessions/reconcile.js";
import type { RunState } from "../sessions/types.js";
import { AgentmuxError, show } from "../util/errors.js";
import { stripAnsi } from "../verify/ansi.js";
import { readTail } from "../verify/tail.js";
import { withContext, type ApiOptions } from "./context.js";
import { nameOf, wholeNumber } from "./inputs.js";

/** The shape of `tail --json`. */
export interface TailJson {
  name: string;
  run: number;
  state: RunState;
  logPath: string;
  /** Output lines, terminal escape sequences stripped. */
  lines: string[];
  /** The byte offset in the log these lines start at (without `offset`: where the last N start, approximately the size). */
  offset: number;
  /** Pass this as `offset` next time to continue without repeats. */
  nextOffset: number;
  /** The log's size when read. */
  size: number;
  /** Nothing more will come: the run has ended and everything up to `size` was returned. */
  eof: boolean;
}

export interface TailInput {
  name: string;
  /** Last N lines (default 40) when no offset is given. */
  lines?: number;
  /** Read from this byte offset of the log instead (a previous call's nextOffset). */
  offset?: number;
  /** At most this many bytes from `offset` (default 64 KiB). */
  maxBytes?: number;
}

export const DEFAULT_TAIL_BYTES = 64 * 1024;

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // no output yet
  }
}

/** Bytes of a log from `offset`, at most `max` (the log only grows). */
export function readFrom(
  path: string,
  offset: number,
  max = Infinity,
): { bytes: Buffer; end: number } {
  const size = sizeOf(path);
  if (size <= offset) return { bytes: Buffer.alloc(0), end: Math.min(offset, size) };
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(Math.min(size - offset, max));
    const n = readSync(fd, buf, 0, buf.length, offset);
    return { bytes: buf.subarray(0, n), end: offset + n };
  } finally {
    closeSync(fd);
  }
}

/**
 * Where a chunk may end so that no line or character is split: after its last
 * newline; at the end when the run is over; inside a line longer than the
 * whole chunk, at a UTF-8 character boundary.
 */
export function chunkEnd(bytes: Buffer, final: boolean, full: boolean): number {
  if (final && !full) return bytes.length;
  const nl = bytes.lastIndexOf(0x0a);
  if (nl >= 0) return nl + 1;
  if (!full) return 0; // a partial line: wait for the rest of it
  let end = bytes.length;
  // Back off continuation bytes and the lead byte of an unfinished character.
  for (let back = 0; back < 4 && end > 0; back++) {
    const b = bytes[end - 1] ?? 0;
    if ((b & 0xc0) === 0x80) end--;
    else {
      if (b >= 0xc0) end--;
      break;
    }
  }
  return end > 0 ? end : bytes.length;
}

export function linesOf(text: string): string[] {
  const parts = text.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts.map((l) => stripAnsi(l).trimEnd());
}

export async function tailWith(ctx: Context, input: TailInput): Promise<TailJson> {
  const name = nameOf(input.name);
  const session = findSession(ctx, name);
  const { run } = await refreshSession(ctx, session);
  if (!run) throw new AgentmuxError("state", `Session ${show(name)} has no runs yet`);
  const live = isLive(run.state);
  const base = { name, run: run.runNo, state: run.state, logPath: run.logPath };
  if (input.offset === undefined) {
    const n = wholeNumber("lines", input.lines, 0, 1_000_000) ?? 40;
    const size = sizeOf(run.logPath);
    const lines = n === 0 ? [] : await readTail(run.logPath, n);
    return { ...base, lines, offset: size, nextOffset: size, size, eof: !live };
  }
  const offset = wholeNumber("offset", input.offset, 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const max = wholeNumber("max-bytes", input.maxBytes, 1, 16 * 1024 * 1024) ?? DEFAULT_TAIL_BYTES;
  const size = sizeOf(run.logPath);
  if (offset > size) {
    throw new AgentmuxError(
      "bad-value",
      `offset ${offset} is past the end of the log (${size} bytes)`,
      {
        hint: "pass a nextOffset from an earlier tail, or 0 to read from the start",
      },
    );
  }
  const { bytes } = readFrom(run.logPath, offset, max);
  const end = chunkEnd(bytes, !live, bytes.length >= max);
  const nextOffset = offset + end;
  return {
    ...base,
    lines: linesOf(bytes.subarray(0, end).toString("utf8")),
    offset,
    nextOffset,
    size,
    eof: !live && nextOffset >= size,
  };
}

/** `tail --json`: the last N lines, or the output from a byte offset (continue with nextOffset). */
export function tail(opts: ApiOptions & TailInput): Promise<TailJson> {
  return withContext(opts, (ctx) => tailWith(ctx, opts));
}
