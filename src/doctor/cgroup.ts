/**
 * Whether a process lives in a systemd *service* cgroup. systemd stops every
 * process of a service's cgroup when the service stops or restarts, so a tmux
 * server started from, say, an assistant's gateway service dies with it and
 * takes every agent along. A `.scope` (a login session, or `systemd-run
 * --scope`) is left alone.
 */

/** The systemd cgroup path from /proc/<pid>/cgroup: the v2 line `0::/...`, or v1's `name=systemd`. */
export function systemdCgroupPath(text: string): string | null {
  let v2: string | null = null;
  for (const line of text.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[2] === "name=systemd") return m[3] ?? null;
    if (m[1] === "0" && m[2] === "") v2 = m[3] ?? null;
  }
  return v2;
}

/**
 * The service whose stop would kill the process, or null. The user manager
 * itself (`user@1000.service`) is not one: its processes sit in scopes or
 * services below it, and it lives as long as the user is logged in or lingers.
 */
export function owningService(cgroupText: string): string | null {
  const path = systemdCgroupPath(cgroupText);
  if (path === null) return null;
  const units = path.split("/").filter((p) => p !== "");
  const last = units.at(-1);
  if (last === undefined || !last.endsWith(".service")) return null;
  if (/^user@\d+\.service$/.test(last)) return null;
  return last;
}
