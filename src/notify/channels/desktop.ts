import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { DeliveryResult } from "./result.js";
import { deliverCommand } from "./command.js";

/** Absolute path of `program` on env.PATH, or null. */
export function findOnPath(program: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here (or not executable): keep looking along PATH.
    }
  }
  return null;
}

/**
 * Whether a notification could reach a person: a session bus (explicit, or
 * systemd's $XDG_RUNTIME_DIR/bus, which an SSH login into a desktop machine
 * also has) or a display. A headless server has none of these.
 */
export function hasDesktopSession(env: NodeJS.ProcessEnv): boolean {
  if (env.DBUS_SESSION_BUS_ADDRESS || env.DISPLAY || env.WAYLAND_DISPLAY) return true;
  if (!env.XDG_RUNTIME_DIR) return false;
  try {
    return statSync(join(env.XDG_RUNTIME_DIR, "bus")).isSocket();
  } catch {
    return false; // no systemd user bus
  }
}

/**
 * Show a desktop notification with notify-send. With `optional` (desktop:
 * "auto") a machine without a desktop is not a failure: nothing to retry.
 */
export async function deliverDesktop(
  title: string,
  text: string,
  opts: { optional?: boolean; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<DeliveryResult> {
  const env = opts.env ?? process.env;
  const program = findOnPath("notify-send", env);
  if (program === null || !hasDesktopSession(env)) {
    const why =
      program === null ? "no desktop session (notify-send not on PATH)" : "no desktop session";
    return opts.optional ? { ok: true, skipped: why } : { ok: false, error: why, permanent: true };
  }
  // "--" so a title starting with "-" is never read as an option.
  return deliverCommand([program, "--app-name=agentmux", "--", title, text], {
    env,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
}
