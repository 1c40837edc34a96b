// Live processes read from /proc: tests find their own processes this way, never by name.
import { readdirSync, readFileSync } from "node:fs";

/** Pids of live processes whose argv contains `marker` (a `print:MARKER` step): counts agents. */
export function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").includes(marker)) out.push(Number(name));
    } catch {
      // exited during the scan
    }
  }
  return out;
}

/** "pid argv" of each live child of `pid`, from /proc. */
export function childrenOf(pid: number): string {
  const kids: string[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== pid) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").join(" ");
      kids.push(`${name} ${argv.trim()}`);
    } catch {
      // exited during the scan
    }
  }
  return kids.length === 0 ? "none" : kids.join("; ");
}
