import { run } from "../process/run.js";
import { spawnLines, type LineProcess } from "../process/stream.js";
import {
  controlAttachArgs,
  detachClientArgs,
  hasSessionArgs,
  listClientsArgs,
  monitorSessionArgs,
  paneDiedHookArgs,
  signalChannelArgs,
  socketArgs,
  waitForArgs,
} from "./argv.js";
import { signal } from "../process/pids.js";

/**
 * What `agentmux watch` needs from tmux, as events rather than polling:
 *
 * - A control-mode client (`tmux -C attach`) on a dedicated session,
 *   `agentmux-monitor`, that watch creates and never kills. It reports
 *   `%sessions-changed` (a session was created or closed) and `%exit` (the
 *   server died: "server exited unexpectedly" after a SIGKILL).
 * - Pane death. tmux 3.3a sends control clients nothing when a pane dies in
 *   another session with remain-on-exit on (tested: no %window-close, no
 *   %unlinked-*; even a hook-driven rename-window emits no %window-renamed),
 *   and subscriptions (refresh-client -B) cover only the attached session and
 *   are polled once a second. So each agentmux session gets a session-scoped
 *   `pane-died` hook (never a global one) that signals a wait-for channel;
 *   watch keeps one `tmux wait-for` client blocked on it. Measured latency from
 *   kill -9 to wake-up: ~4 ms. `wait-for` cannot block inside a control client
 *   (3.3a answers at once for attached clients), hence the separate client.
 */

export const MONITOR_SESSION = "agentmux-monitor";
/** Session option marking the monitor session as agentmux's own (ls hides it; doctor checks it). */
export const MONITOR_OPTION = "@agentmux-monitor";
/** The wait-for channel the pane-died hooks signal. One per server; every watcher wakes. */
export const PANE_DIED_CHANNEL = "agentmux-pane-died";

export type ControlEvent =
  | { kind: "reply"; number: number; ok: boolean; lines: string[] }
  | { kind: "sessions-changed" }
  | { kind: "session-changed"; sessionId: string; name: string }
  | { kind: "window-close"; windowId: string }
  | { kind: "exit"; reason: string }
  | { kind: "other"; name: string; args: string };

/**
 * Parses control-mode output line by line. Replies to commands come as
 * `%begin TIME NUMBER FLAGS`, their output, then `%end ...` or `%error ...`
 * with the same number; everything else starting with % is a notification.
 */
export class ControlParser {
  private block: { number: number; lines: string[] } | null = null;

  push(line: string): ControlEvent | null {
    if (this.block) {
      const end = /^%(end|error) \d+ (\d+) \d+$/.exec(line);
      if (end && Number(end[2]) === this.block.number) {
        const ev: ControlEvent = {
          kind: "reply",
          number: this.block.number,
          ok: end[1] === "end",
          lines: this.block.lines,
        };
        this.block = null;
        return ev;
      }
      this.block.lines.push(line);
      return null;
    }
    const begin = /^%begin \d+ (\d+) \d+$/.exec(line);
    if (begin) {
      this.block = { number: Number(begin[1]), lines: [] };
      return null;
    }
    if (!line.startsWith("%")) return null;
    const space = line.indexOf(" ");
    const name = space === -1 ? line.slice(1) : line.slice(1, space);
    const args = space === -1 ? "" : line.slice(space + 1);
    switch (name) {
      case "sessions-changed":
        return { kind: "sessions-changed" };
      case "session-changed": {
        const [id = "", ...rest] = args.split(" ");
        return { kind: "session-changed", sessionId: id, name: rest.join(" ") };
      }
      case "window-close":
      case "unlinked-window-close":
        return { kind: "window-close", windowId: args };
      case "exit":
        return { kind: "exit", reason: args };
      default:
        return { kind: "other", name, args };
    }
  }
}

const tmux = (socket: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 10_000) =>
  run("tmux", [...socketArgs(socket), ...args], { env, timeoutMs });

/** tmux clients must not think they run inside one of the user's panes. */
export function clientEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { TMUX: _t, TMUX_PANE: _p, ...rest } = env;
  return rest;
}

export async function ensureMonitorSession(
  socket: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  const e = clientEnv(env);
  const has = await tmux(socket, hasSessionArgs(MONITOR_SESSION), e);
  if (has.exitCode === 0) return true;
  const made = await tmux(socket, monitorSessionArgs(MONITOR_SESSION, MONITOR_OPTION), e);
  // "duplicate session": another watcher made it between our two calls.
  return made.exitCode === 0 || /duplicate session/.test(made.stderr);
}

/** Hook the given sessions; returns false when tmux refused (a session vanished meanwhile). */
export async function hookPaneDied(
  socket: string,
  names: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  if (names.length === 0) return true;
  const res = await tmux(socket, paneDiedHookArgs(names, PANE_DIED_CHANNEL), clientEnv(env));
  return res.exitCode === 0;
}

/**
 * Block until a hooked pane dies: "woken", or "gone" when the server is not
 * there (or went away while we waited). No deadline: it waits for an event.
 */
export async function waitPaneDied(
  socket: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<"woken" | "gone"> {
  const res = await run("tmux", [...socketArgs(socket), ...waitForArgs(PANE_DIED_CHANNEL)], {
    env: clientEnv(env),
    timeoutMs: 0,
    signal,
  });
  return res.exitCode === 0 ? "woken" : "gone";
}

/** Wake every waiter on the channel: a watch that was SIGKILLed left its `wait-for` client behind. */
export async function releasePaneDiedWaiters(
  socket: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await tmux(socket, signalChannelArgs(PANE_DIED_CHANNEL), clientEnv(env));
}

/**
 * Detach the monitor session's clients other than ours (`keepPid`). Only one
 * watch runs per state directory (its lock), so any other client there
 * belongs to a watch that died: tmux holds a control client's stdin itself
 * and, on 3.3a, does not always notice the dead watch's end closing, which
 * leaves that client attached for good (and its process running).
 */
export async function detachOtherMonitorClients(
  socket: string,
  env: NodeJS.ProcessEnv,
  keepPid: number | undefined,
): Promise<void> {
  const e = clientEnv(env);
  const res = await tmux(socket, listClientsArgs(MONITOR_SESSION), e);
  if (res.exitCode !== 0) return; // no server or no monitor session: nothing attached
  for (const line of res.stdout.split("\n")) {
    const [pid, name] = line.split("\t");
    if (!pid || !name || Number(pid) === keepPid) continue;
    await tmux(socket, detachClientArgs(name), e);
    // Seen on 3.3a: the orphaned client ignores the detach and keeps polling.
    // Its pid comes from the server, as a client of agentmux's own session.
    signal(Number(pid), "SIGTERM");
  }
}

/** A control-mode client attached to the monitor session. */
export class ControlClient {
  private readonly proc: LineProcess;
  private readonly parser = new ControlParser();
  readonly exited: Promise<number | null>;

  constructor(socket: string, env: NodeJS.ProcessEnv, onEvent: (e: ControlEvent) => void) {
    this.proc = spawnLines(
      "tmux",
      [...socketArgs(socket), ...controlAttachArgs(MONITOR_SESSION)],
      (line) => {
        const ev = this.parser.push(line);
        if (ev) onEvent(ev);
      },
      { env: clientEnv(env) },
    );
    // The monitor pane's output is of no interest; pane death is signalled by hooks.
    this.proc.write("refresh-client -f no-output");
    this.exited = this.proc.exited;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /**
   * Detach: closing stdin makes tmux end the control client; the session
   * stays. tmux 3.3a does not always notice, and a client left running would
   * keep watch from exiting, so it is signalled after a short wait.
   */
  close(graceMs = 1_000): Promise<void> {
    return this.proc.stop(graceMs);
  }
}
