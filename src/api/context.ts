import { Context } from "../sessions/context.js";

/**
 * Where a library call works: the tmux socket and the state directory. Every
 * field is optional and resolved the way the CLI resolves it (flag, then
 * $AGENTMUX_SOCKET / $AGENTMUX_HOME, then config, then the defaults).
 */
export interface ApiOptions {
  /** The tmux socket (default: $AGENTMUX_SOCKET, config, ~/.tmux/sock). */
  socket?: string;
  /** The state directory (default: $AGENTMUX_HOME, ~/.local/state/agentmux). */
  stateDir?: string;
  /** The environment to resolve defaults from and to give launched agents (default: process.env). */
  baseEnv?: NodeJS.ProcessEnv;
}

export function contextOf(opts: ApiOptions): Context {
  const env = opts.baseEnv ?? process.env;
  return new Context({
    // The monitor and the finisher find the store through the environment, as the CLI's do.
    env: opts.stateDir !== undefined ? { ...env, AGENTMUX_HOME: opts.stateDir } : env,
    ...(opts.socket !== undefined ? { socket: opts.socket } : {}),
    ...(opts.stateDir !== undefined ? { stateDir: opts.stateDir } : {}),
  });
}

/** One Context for one call, closed afterwards whatever happens. */
export async function withContext<T>(
  opts: ApiOptions,
  fn: (ctx: Context) => Promise<T>,
): Promise<T> {
  const ctx = contextOf(opts);
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}
