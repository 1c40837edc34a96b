import { spawnLines, type LineProcess } from "../process/stream.js";
import type { Context } from "../sessions/context.js";
import type { HostRow } from "../store/hosts.js";
import { settingsFor } from "./call.js";
import { encodeRequest, PROTOCOL_VERSION, type EventLine } from "./protocol.js";
import { callArgs } from "./ssh.js";

/**
 * One persistent event channel to a host: `agentmux _remote` (op "events")
 * over the host's shared ssh connection, read line by line. A channel that
 * drops (host down, link down, sshd restarted) is opened again with backoff;
 * the new channel starts with a snapshot of the remote store, so nothing
 * that happened meanwhile is missed.
 */
const BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000] as const;

export class HostChannel {
  private proc: LineProcess | null = null;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  /** True between a hello and the channel's end. */
  up = false;

  constructor(
    private readonly ctx: Context,
    readonly host: HostRow,
    private readonly onEvent: (host: HostRow, ev: EventLine) => void,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    if (this.stopped || this.proc) return;
    let args: string[];
    let program: string;
    try {
      const s = settingsFor(this.ctx);
      program = s.program;
      args = callArgs(this.host, s);
    } catch (e) {
      this.log(`${this.host.name}: cannot open the event channel: ${(e as Error).message}`);
      return;
    }
    const proc = spawnLines(
      program,
      args,
      (line) => {
        let ev: EventLine;
        try {
          ev = JSON.parse(line) as EventLine;
        } catch {
          return; // not ours (a login banner on stdout): skip it
        }
        if (ev.type === "hello") {
          this.up = true;
          this.failures = 0;
          this.log(`${this.host.name}: event channel up`);
        }
        this.onEvent(this.host, ev);
      },
      { env: this.ctx.env },
    );
    this.proc = proc;
    proc.write(encodeRequest({ v: PROTOCOL_VERSION, op: "events" }).trimEnd());
    void proc.exited.then((code) => {
      if (this.proc === proc) this.proc = null;
      const wasUp = this.up;
      this.up = false;
      if (this.stopped) return;
      const wait = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)] ?? 10_000;
      this.failures++;
      this.log(
        `${this.host.name}: event channel ${wasUp ? "lost" : "failed"} (exit ${code ?? "signal"}); again in ${wait} ms`,
      );
      this.timer = setTimeout(() => this.start(), wait);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const p = this.proc;
    this.proc = null;
    // Closing stdin ends the remote reader; TERM/KILL only if ssh lingers.
    await p?.stop(2_000);
  }
}
