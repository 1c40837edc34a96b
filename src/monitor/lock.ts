import { openSync, closeSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { isAlive, processStartTicks } from "../process/pids.js";

/**
 * One `agentmux watch` per state directory: STATE/monitor.lock holds
 * "PID START_TICKS". A lock whose process is gone (or whose pid was reused:
 * the start time differs) is stale and taken over; a live one is refused.
 */
export type LockResult = { acquired: true; release: () => void } | { acquired: false; pid: number };

export function lockPath(stateDir: string): string {
  return join(stateDir, "monitor.lock");
}

function readHolder(path: string): { pid: number; ticks: string | null } | null {
  try {
    const [pid, ticks] = readFileSync(path, "utf8").trim().split(" ");
    return { pid: Number(pid), ticks: ticks === undefined || ticks === "-" ? null : ticks };
  } catch {
    return null; // gone meanwhile
  }
}

export function acquireLock(stateDir: string): LockResult {
  const path = lockPath(stateDir);
  const mine = `${process.pid} ${processStartTicks(process.pid) ?? "-"}\n`;
  // Two rounds: create; if it exists and is stale, remove it and create again.
  // Of two starters racing over a stale lock, the exclusive create picks one.
  for (let round = 0; round < 2; round++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, mine);
      closeSync(fd);
      return {
        acquired: true,
        release: () => {
          const h = readHolder(path);
          if (h?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = readHolder(path);
    if (holder && isAlive(holder.pid, holder.ticks)) return { acquired: false, pid: holder.pid };
    try {
      unlinkSync(path);
    } catch {
      // another starter removed it first; the next create decides
    }
  }
  const holder = readHolder(path);
  return { acquired: false, pid: holder?.pid ?? 0 };
}
