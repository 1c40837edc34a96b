/**
 * The answer of the host's resident server (and of `_remote` op "serve"),
 * as JSON lines: a hello, then the command's stdout and stderr in the order
 * written, then its exit code. One stream carries both outputs, so their
 * order survives, and an answer cut short (no exit frame) is told apart
 * from a command that printed nothing.
 */

/** The framing's own version: a caller that does not know it falls back to a plain `_remote` call. */
export const SERVE_VERSION = 1;

export type Frame =
  /** First line. `socket`: the server's socket on the host (null: none could be made); `up`: it was already running. */
  | { t: "hello"; v: number; pid: number; socket: string | null; up: boolean }
  /** Output: text in `d`, or bytes that are not UTF-8 in `b` (base64). */
  | { t: "out" | "err"; d?: string; b?: string }
  | { t: "exit"; code: number }
  /** Not run here (not a short request, or this server's code was replaced): ask the slow way. */
  | { t: "refused"; why: string };

const MAX_LINE = 64 * 1024 * 1024;

export function encodeFrame(f: Frame): string {
  return `${JSON.stringify(f)}\n`;
}

/** An output frame for one write; bytes that are not valid UTF-8 travel as base64, byte for byte. */
export function outputFrame(stream: "out" | "err", chunk: string | Uint8Array): Frame {
  if (typeof chunk === "string") return { t: stream, d: chunk };
  const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const text = buf.toString("utf8");
  // Bytes that are not UTF-8 decode to U+FFFD, which encodes back differently.
  return Buffer.from(text, "utf8").equals(buf)
    ? { t: stream, d: text }
    : { t: stream, b: buf.toString("base64") };
}

/** The bytes of an output frame. */
export function frameBytes(f: Extract<Frame, { t: "out" | "err" }>): Buffer {
  return f.b !== undefined ? Buffer.from(f.b, "base64") : Buffer.from(f.d ?? "", "utf8");
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/** One line as a frame, checked field by field; null when it is not one. */
export function parseFrame(line: string): Frame | null {
  if (line.length > MAX_LINE) return null;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const f = v as Record<string, unknown>;
  switch (f.t) {
    case "hello":
      if (!isInt(f.v) || !isInt(f.pid) || typeof f.up !== "boolean") return null;
      if (f.socket !== null && typeof f.socket !== "string") return null;
      return { t: "hello", v: f.v, pid: f.pid, socket: f.socket, up: f.up };
    case "out":
    case "err": {
      if (typeof f.d === "string" && f.b === undefined) return { t: f.t, d: f.d };
      if (typeof f.b === "string" && f.d === undefined && /^[A-Za-z0-9+/]*={0,2}$/.test(f.b)) {
        return { t: f.t, b: f.b };
      }
      return null;
    }
    case "exit":
      return isInt(f.code) && f.code >= 0 && f.code <= 255 ? { t: "exit", code: f.code } : null;
    case "refused":
      return typeof f.why === "string" ? { t: "refused", why: f.why } : null;
    default:
      return null;
  }
}

/** Splits a byte stream into lines (a line may arrive in pieces, or many in one chunk). */
export class LineSplitter {
  private partial = "";
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    for (const p of parts) this.onLine(p.endsWith("\r") ? p.slice(0, -1) : p);
  }

  /** Whatever is left without a newline (an answer cut off mid-line). */
  rest(): string {
    return this.partial;
  }
}
