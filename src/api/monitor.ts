import { parseConfig, resolveSocket } from "../config/config.js";
import { runDoctor, type DoctorCheck } from "../doctor/doctor.js";
import { heartbeatPass, type PassReport } from "../monitor/heartbeat.js";
import type { Context } from "../sessions/context.js";
import { stateDir } from "../store/paths.js";
import { withContext, type ApiOptions } from "./context.js";

/** Backoffs this short are waited for inside one heartbeat; longer ones wait for the next. */
export const INLINE_RESTART_WAIT_MS = 10_000;

export function heartbeatWith(ctx: Context, opts: { restart?: boolean }): Promise<PassReport> {
  return heartbeatPass(ctx, {
    restart: opts.restart === true,
    maxRestartWaitMs: INLINE_RESTART_WAIT_MS,
  });
}

/** `heartbeat --json`: one monitor pass (lost runs, orphans, stalls, notifications; restarts with restart: true). */
export function heartbeat(opts: ApiOptions & { restart?: boolean } = {}): Promise<PassReport> {
  return withContext(opts, (ctx) => heartbeatWith(ctx, opts));
}

/** The shape of `doctor --json`. */
export interface DoctorJson {
  ok: boolean;
  checks: DoctorCheck[];
}

/** `doctor --json`: tmux, socket, perl, agent CLIs, login, config, store, journal, monitor. */
export async function doctor(opts: ApiOptions = {}): Promise<DoctorJson> {
  const env = {
    ...(opts.baseEnv ?? process.env),
    ...(opts.stateDir !== undefined ? { AGENTMUX_HOME: opts.stateDir } : {}),
  };
  // A broken config must not hide the socket checks: fall back to the flag, env and default.
  const fallback = parseConfig("{}", "(defaults)");
  const checks = await runDoctor({
    env,
    stateDir: stateDir(env),
    socket: "",
    socketFor: (config) => resolveSocket(opts.socket, config ?? fallback, env),
  });
  return { ok: checks.every((c) => c.ok), checks };
}
