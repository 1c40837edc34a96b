import { readdirSync, readFileSync } from "node:fs";
import { isRunning, processStartTicks, signal } from "./pids.js";
import { cgroupPids, cgroupPopulated, cgroupWrite, removeCgroup } from "./run-cgroup.js";

/**
 * Ending everything a run started, including processes that left the
 * agent's process group (setsid, a double fork, a daemon): TERM, a grace
 * period, KILL.
 *
 * Two ways to know a run's processes, best first:
 * - its cgroup (run-cgroup.ts): membership is kept across setsid and fork
 *   and needs privilege to leave; freezing it while the members are listed
 *   and signalled means no member can exit and have its pid reused meanwhile;
 * - its marks in the environment every descendant inherits
 *   (AGENTMUX_RUN=<id> and AGENTMUX_RUN_DIR=<dir>, read from
 *   /proc/PID/environ). A process that clears its environment (env -i) is
 *   not found this way. Each pid is signalled only while its start time is
 *   still the one seen in the scan, so a reused pid is never hit.
 * Without /proc (macOS) there is neither: only the agent's process group is
 * ended (by the supervisor), a best effort.
 */

export interface RunMarks {
  runId: number;
  runDir: string;
  /** The run's cgroup directory, when one was created at launch. */
  cgroup: string | null;
}

interface Target {
  pid: number;
  start: string | null;
}

/** Live processes (not zombies) whose initial environment carries both of the run's marks. */
export function processesWithMarks(marks: RunMarks, exclude: ReadonlySet<number>): Target[] {
  const run = Buffer.from(`AGENTMUX_RUN=${marks.runId}\0`);
  const dir = Buffer.from(`AGENTMUX_RUN_DIR=${marks.runDir}\0`);
  const found: Target[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return []; // no /proc: nothing can be found this way
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (exclude.has(pid)) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${name}/environ`);
    } catch {
      continue; // exited, or another user's process (not ours to end)
    }
    if (!hasEntry(env, run) || !hasEntry(env, dir)) continue;
    const start = processStartTicks(pid);
    if (start !== null && isRunning(pid, start)) found.push({ pid, start });
  }
  return found;
}

/** Whether `entry` ("NAME=value\0") is one whole entry of a NUL-separated environment. */
function hasEntry(env: Buffer, entry: Buffer): boolean {
  for (let at = env.indexOf(entry); at >= 0; at = env.indexOf(entry, at + 1)) {
    if (at === 0 || env[at - 1] === 0) return true;
  }
  return false;
}

function termAll(targets: readonly Target[]): void {
  for (const t of targets) {
    if (!isRunning(t.pid, t.start)) continue;
    signal(t.pid, "SIGTERM");
    signal(t.pid, "SIGCONT"); // a stopped process cannot act on TERM
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, delay));
  }
  return check();
}

// After KILL a process is gone within milliseconds unless it is stuck in the
// kernel (D state, NFS); two seconds keeps a caller from waiting on those forever.
const KILL_WAIT_MS = 2_000;
// A daemon that forks anew while being ended is looked for again this many times.
const ROUNDS = 3;

/**
 * End every process of the run: TERM, up to `graceMs`, KILL. Returns how
 * many processes were running when it started (0: nothing had escaped).
 * `exclude`: pids never signalled (this process, the tmux server).
 */
export async function endRunProcesses(
  marks: RunMarks,
  graceMs: number,
  opts: { exclude?: Iterable<number> } = {},
): Promise<number> {
  const exclude = new Set(opts.exclude ?? []);
  exclude.add(process.pid);
  if (marks.cgroup !== null) {
    const n = await endCgroup(marks.cgroup, graceMs, exclude);
    if (n !== null) return n;
  }
  return endByEnvironment(marks, graceMs, exclude);
}

/** null when the cgroup cannot be read (gone, no permission): the caller scans instead. */
async function endCgroup(
  dir: string,
  graceMs: number,
  exclude: ReadonlySet<number>,
): Promise<number | null> {
  const frozen = cgroupWrite(dir, "cgroup.freeze", "1");
  const members = cgroupPids(dir).filter((pid) => !exclude.has(pid));
  const targets = members.map((pid) => ({ pid, start: processStartTicks(pid) }));
  // Frozen members cannot exit, so their pids cannot be reused before TERM lands.
  termAll(targets);
  if (frozen) cgroupWrite(dir, "cgroup.freeze", "0");
  if (targets.length === 0 && !cgroupPopulated(dir)) {
    removeCgroup(dir);
    return 0;
  }
  const onlyExcluded = (): boolean => cgroupPids(dir).every((pid) => exclude.has(pid));
  await until(onlyExcluded, graceMs);
  // cgroup.kill (Linux 5.14+) also reaches anything forked meanwhile.
  const rest = cgroupPids(dir).filter((pid) => !exclude.has(pid));
  if (rest.length > 0) {
    // cgroup.kill would also hit an excluded member (a tmux server the agent started).
    const whole = cgroupPids(dir).every((pid) => !exclude.has(pid));
    if (!(whole && cgroupWrite(dir, "cgroup.kill", "1"))) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const pid of cgroupPids(dir)) if (!exclude.has(pid)) signal(pid, "SIGKILL");
        if (await until(onlyExcluded, KILL_WAIT_MS / ROUNDS)) break;
      }
    }
    await until(() => !cgroupPopulated(dir) || onlyExcluded(), KILL_WAIT_MS);
  }
  removeCgroup(dir);
  return targets.length;
}

async function endByEnvironment(
  marks: RunMarks,
  graceMs: number,
  exclude: ReadonlySet<number>,
): Promise<number> {
  const seen = new Map<number, Target>();
  const scan = (): Target[] => {
    const now = processesWithMarks(marks, exclude);
    for (const t of now) seen.set(t.pid, t);
    return now;
  };
  const first = scan();
  if (first.length === 0) return 0;
  termAll(first);
  await until(() => first.every((t) => !isRunning(t.pid, t.start)), graceMs);
  for (let round = 0; round < ROUNDS; round++) {
    // Anything still there, or forked during the grace, gets KILL.
    const left = scan();
    if (left.length === 0) break;
    for (const t of left) if (isRunning(t.pid, t.start)) signal(t.pid, "SIGKILL");
    await until(() => left.every((t) => !isRunning(t.pid, t.start)), KILL_WAIT_MS / ROUNDS);
  }
  return first.length;
}
