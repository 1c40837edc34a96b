import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A cgroup v2 directory per run (Linux). Every process the agent starts
 * stays in its cgroup whatever process group or session it moves to
 * (setsid, a double fork, a daemon), and leaving it needs write access to
 * the cgroup tree, so at the end the run's processes are exactly the
 * cgroup's members: no pid guessing.
 *
 * Where: a child of the cgroup this process is in, on the cgroup2 mount.
 * That works for root and under a delegated subtree (systemd's user@.service);
 * anywhere else mkdir fails and the caller falls back to the environment scan.
 */

/** The cgroup2 mount point from /proc/self/mountinfo, or null (cgroup v1 only, or not Linux). */
export function cgroup2Mount(mountinfo?: string): string | null {
  let text = mountinfo;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/self/mountinfo", "utf8");
    } catch {
      return null; // not Linux
    }
  }
  for (const line of text.split("\n")) {
    // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS] - FSTYPE SOURCE SUPER"
    const [left, right] = line.split(" - ");
    if (right === undefined || left === undefined) continue;
    if (right.split(" ")[0] !== "cgroup2") continue;
    const mountPoint = left.split(" ")[4];
    // Mount points escape spaces as \040.
    if (mountPoint)
      return mountPoint.replace(/\\([0-7]{3})/g, (_, o: string) =>
        String.fromCharCode(parseInt(o, 8)),
      );
  }
  return null;
}

/** This process's v2 cgroup path (`0::/path`), or null. */
export function ownCgroupPath(procCgroup?: string): string | null {
  let text = procCgroup;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/self/cgroup", "utf8");
    } catch {
      return null;
    }
  }
  for (const line of text.split("\n")) {
    if (line.startsWith("0::")) return line.slice(3).trim() || "/";
  }
  return null;
}

/**
 * Create the run's cgroup; its path, or null when none can be had here (no
 * cgroup2, no permission, disabled with AGENTMUX_CGROUP=off). `key` tells
 * state directories apart (two stores both have a run 7).
 */
export function createRunCgroup(key: string, runId: number, env: NodeJS.ProcessEnv): string | null {
  if (env.AGENTMUX_CGROUP === "off") return null;
  const mount = cgroup2Mount();
  const own = ownCgroupPath();
  if (mount === null || own === null) return null;
  const dir = join(mount, own, "agentmux", `${key}-run-${runId}`);
  try {
    mkdirSync(dir, { recursive: true });
    // A cgroup directory has its interface files; a plain tmpfs directory would not.
    readFileSync(join(dir, "cgroup.procs"), "utf8");
    return dir;
  } catch {
    return null; // not ours to create (no delegation): the environment scan stands in
  }
}

/** Pids now in the cgroup (empty when it is gone). */
export function cgroupPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, "cgroup.procs"), "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return [];
  }
}

/** Whether any process is left in the cgroup or below (cgroup.events "populated"). */
export function cgroupPopulated(dir: string): boolean {
  try {
    return /^populated 1$/m.test(readFileSync(join(dir, "cgroup.events"), "utf8"));
  } catch {
    return cgroupPids(dir).length > 0;
  }
}

/** Write one of the cgroup's control files; false when it is not there (older kernel) or gone. */
export function cgroupWrite(
  dir: string,
  file: "cgroup.freeze" | "cgroup.kill",
  value: string,
): boolean {
  try {
    writeFileSync(join(dir, file), value);
    return true;
  } catch {
    return false;
  }
}

/** Remove the (empty) cgroup; false while processes are left in it. */
export function removeCgroup(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
}
