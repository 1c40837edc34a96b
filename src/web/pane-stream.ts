import { watch, type FSWatcher } from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { Context } from "../sessions/context.js";
import type { RunRow, SessionRow } from "../store/store.js";

/**
 * A run's pane output as server-sent events. Each event's id is
 * "RUN:OFFSET", the byte offset in the run's log after that chunk, so a
 * client that reconnects with Last-Event-ID gets exactly the bytes after the
 * last ones it saw. Bytes travel base64-encoded: xterm is fed raw bytes, so a
 * UTF-8 character split across two chunks still decodes whole.
 */

export interface Position {
  run: number;
  offset: number;
}

/** "3:1024" -> {run: 3, offset: 1024}; anything else is no position. */
export function parseEventId(id: string | undefined): Position | null {
  const m = /^(\d{1,9}):(\d{1,15})$/.exec(id ?? "");
  return m ? { run: Number(m[1]), offset: Number(m[2]) } : null;
}

/** How much of a long log the first paint shows. */
export const INITIAL_BYTES = 256 * 1024;
const CHUNK = 64 * 1024;

/**
 * Where the first paint starts: the log's last INITIAL_BYTES, moved to just
 * after a newline so it does not begin inside an escape sequence or a UTF-8
 * character. `head` is the bytes from `from` on.
 */
export function tailStart(size: number, head: Buffer | null): number {
  if (size <= INITIAL_BYTES || head === null) return 0;
  const from = size - INITIAL_BYTES;
  const nl = head.indexOf(0x0a);
  return nl === -1 ? from : from + nl + 1;
}

export interface StreamSink {
  send(event: string, data: string, id?: string): void;
}

async function sizeOf(path: string): Promise<number> {
  try {
    const fh = await open(path, "r");
    try {
      return (await fh.stat()).size;
    } finally {
      await fh.close();
    }
  } catch {
    return 0; // no output yet
  }
}

async function readRange(path: string, from: number, length: number): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, from);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Follows one session's pane output, switching to the new run after a restart. */
export class PaneStream {
  private run: RunRow | null = null;
  private offset = 0;
  private watcher: FSWatcher | undefined;
  private busy = false;
  private again = false;
  private closed = false;

  constructor(
    private readonly ctx: Context,
    private readonly session: SessionRow,
    private readonly sink: StreamSink,
  ) {}

  async start(lastEventId: string | undefined): Promise<void> {
    const store = this.ctx.store();
    const pos = parseEventId(lastEventId);
    const resumed =
      pos === null ? null : store.listRuns(this.session.id).find((r) => r.runNo === pos.run);
    if (resumed && pos !== null) {
      this.follow(resumed, pos.offset);
    } else {
      const latest = store.latestRun(this.session.id);
      if (latest) await this.openLatest(latest);
    }
    await this.pump();
  }

  /** Something changed in the store: maybe a new run (a restart). */
  async storeChanged(): Promise<void> {
    await this.pump();
  }

  private async openLatest(run: RunRow): Promise<void> {
    const size = await sizeOf(run.logPath);
    const from = size - INITIAL_BYTES;
    const head = from > 0 ? await readRange(run.logPath, from, 4096) : null;
    const start = tailStart(size, head);
    this.follow(run, start);
    this.sink.send(
      "reset",
      JSON.stringify({ run: run.runNo, offset: start, size }),
      `${run.runNo}:${start}`,
    );
  }

  private follow(run: RunRow, offset: number): void {
    this.run = run;
    this.offset = offset;
    this.watcher?.close();
    const name = basename(run.logPath);
    try {
      this.watcher = watch(dirname(run.logPath), (_e, file) => {
        if (file === null || file === name) void this.pump();
      });
      this.watcher.on("error", () => this.watcher?.close());
    } catch {
      this.watcher = undefined; // the run directory is gone (purged): nothing more to follow
    }
  }

  /** Sends whatever the log has beyond the offset; one pump at a time, rerun if asked meanwhile. */
  async pump(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        await this.drain();
        this.switchIfRestarted();
      } while (this.again && !this.closed);
    } finally {
      this.busy = false;
    }
  }

  private async drain(): Promise<void> {
    const run = this.run;
    if (!run || this.closed) return;
    const size = await sizeOf(run.logPath);
    if (size < this.offset) {
      // The log was truncated or replaced: paint afresh.
      await this.openLatest(run);
      return;
    }
    while (this.offset < size && !this.closed) {
      const bytes = await readRange(run.logPath, this.offset, Math.min(CHUNK, size - this.offset));
      if (bytes.length === 0) break;
      this.offset += bytes.length;
      this.sink.send("data", bytes.toString("base64"), `${run.runNo}:${this.offset}`);
    }
  }

  private switchIfRestarted(): void {
    if (this.closed) return;
    const latest = this.ctx.store().latestRun(this.session.id);
    if (!latest || latest.id === this.run?.id) return;
    this.follow(latest, 0);
    this.sink.send("run", JSON.stringify({ run: latest.runNo }), `${latest.runNo}:0`);
    this.again = true;
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
  }
}
