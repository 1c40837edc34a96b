import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { run } from "../process/run.js";
import { paneDiedHookArgs, signalChannelArgs, socketArgs, waitForArgs } from "./argv.js";

/**
 * What `agentmux watch` needs from tmux, as events rather than polling.
 *
 * Pane death: tmux 3.3a sends control clients nothing when a pane dies in
 * another session with remain-on-exit on, and subscriptions are polled. So
 * each agentmux session gets a session-scoped `pane-died` hook (never a
 * global one: `set-hook -g` would change the user's server and every other
 * state directory's sessions) that signals a wait-for channel; watch keeps
 * one `tmux wait-for` client blocked on it, and that client ending tells it
 * the server is gone. Measured latency from kill -9 to wake-up: ~4 ms.
 *
 * No control-mode client: see the note on Connection in monitor/watch.ts
 * (tmux 3.3a crashes when a control client attaches while sessions come and go).
 */

// Kept beside the argv builders (argv.ts), so `ls` does not load node:crypto for a name.
export { MONITOR_SESSION } from "./argv.js";

/**
 * The wait-for channel the pane-died hooks of one state directory's sessions
 * signal: several state directories on one socket wake only their own watch.
 * Hex only, since it is written into the hook's command text.
 */
export function paneDiedChannel(stateDir: string): string {
  const hash = createHash("sha256").update(resolve(stateDir)).digest("hex").slice(0, 16);
  return `agentmux-pane-died-${hash}`;
}

const tmux = (socket: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 10_000) =>
  run("tmux", [...socketArgs(socket), ...args], { env, timeoutMs });

/** tmux clients must not think they run inside one of the user's panes. */
export function clientEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { TMUX: _t, TMUX_PANE: _p, ...rest } = env;
  return rest;
}

/** Hook the given sessions; returns false when tmux refused (a session vanished meanwhile). */
export async function hookPaneDied(
  socket: string,
  names: readonly string[],
  channel: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  if (names.length === 0) return true;
  const res = await tmux(socket, paneDiedHookArgs(names, channel), clientEnv(env));
  return res.exitCode === 0;
}

/**
 * Block until a hooked pane dies: "woken", or "gone" when the server is not
 * there (or went away while we waited). No deadline: it waits for an event.
 */
export async function waitPaneDied(
  socket: string,
  channel: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<"woken" | "gone"> {
  const res = await run("tmux", [...socketArgs(socket), ...waitForArgs(channel)], {
    env: clientEnv(env),
    timeoutMs: 0,
    signal,
  });
  return res.exitCode === 0 ? "woken" : "gone";
}

/** Wake every waiter on the channel: a watch that was SIGKILLed left its `wait-for` client behind. */
export async function releasePaneDiedWaiters(
  socket: string,
  channel: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await tmux(socket, signalChannelArgs(channel), clientEnv(env));
}
