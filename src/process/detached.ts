import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";

/**
 * Start a process that outlives this one, in its own session, its stdout and
 * stderr appended to `logFile` (created 0600). Synchronous, so a command can
 * start it on its way out. Returns its pid, or null when it could not start.
 */
export function startDetachedLogged(
  command: string,
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; logFile: string },
): number | null {
  const log = openSync(opts.logFile, "a", 0o600);
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ["ignore", log, log],
      env: opts.env,
    });
    child.unref();
    return child.pid ?? null;
  } finally {
    closeSync(log);
  }
}
