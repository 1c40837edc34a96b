import { readFileSync } from "node:fs";

/**
 * Process identity: a pid alone is reused by the kernel, so agentmux records
 * (pid, start time) and only ever signals a process whose start time matches.
 */

/** Start time of a process in clock ticks since boot (Linux /proc), or null when unknown/gone. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm (field 2) may contain spaces and parentheses: fields resume after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // rest[0] is field 3 (state); starttime is field 22.
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

/** True when a process with this pid exists (and, if given, started at `startTicks`). */
export function isAlive(pid: number, startTicks?: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (startTicks === undefined || startTicks === null) return true;
  const now = processStartTicks(pid);
  // Without /proc (macOS) we cannot check identity; existence is the best we know.
  return now === null ? true : now === startTicks;
}

/** Whether a process is a zombie (exited, not yet reaped). */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}

/** Alive and not a zombie: a process that can still do something (and hold files, ports, a tree). */
export function isRunning(pid: number, startTicks?: string | null): boolean {
  return isAlive(pid, startTicks) && !isZombie(pid);
}

/** Send a signal; false when the process is gone. Group signals take a negative pid. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
