#!/usr/bin/env node
// Stress: N running sessions on a private tmux socket, then the tmux server
// is killed. Measures what the mass death costs the machine and how long
// until every run is recorded. One JSON line per metric on stdout.
//
//   npm run stress -- server-death [--sessions 1000] [--monitor]
//
// Everything runs in a temp directory with a private socket and state dir;
// every process it starts is stopped by pid or through that socket.
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MAIN = join(root, "dist", "bin", "main.js");
const Database = createRequire(import.meta.url)(join(root, "node_modules", "better-sqlite3"));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : process.argv[i + 1];
};
const N = Number(arg("sessions", "200"));
const MONITOR = process.argv.includes("--monitor");
const PARALLEL = 6;

const tmp = mkdtempSync(join(tmpdir(), "amx-stress-"));
const socket = join(tmp, "sock");
const state = join(tmp, "state");
mkdirSync(join(tmp, "home"));
writeFileSync(
  join(tmp, "config.json"),
  JSON.stringify({ monitor: false, killGraceSeconds: 1, notify: { desktop: false } }),
);
const env = {
  ...process.env,
  HOME: join(tmp, "home"),
  AGENTMUX_HOME: state,
  AGENTMUX_SOCKET: socket,
  AGENTMUX_CONFIG: join(tmp, "config.json"),
};
delete env.TMUX;

const cli = (args) =>
  new Promise((resolve) =>
    execFile(process.execPath, [MAIN, ...args], { env, maxBuffer: 1 << 26 }, (e, out, err) =>
      resolve({ code: e ? (e.code ?? 1) : 0, out, err }),
    ),
  );
const emit = (metric, value, extra = {}) =>
  console.log(
    JSON.stringify({
      bench: "stress-server-death",
      metric,
      value,
      sessions: N,
      monitor: MONITOR,
      ...extra,
    }),
  );

/** Processes whose argv mentions the state dir, split by role. */
function census() {
  let finishers = 0;
  let all = 0;
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, "utf8");
      if (!cmd.includes(state)) continue;
      all++;
      if (cmd.includes("\0_finish\0")) finishers++;
    } catch {
      // exited during the scan
    }
  }
  return { finishers, all };
}
const memAvailableMb = () =>
  Number(/MemAvailable:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0) / 1024;

let watch;
try {
  // 1. N running sessions.
  const t0 = Date.now();
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < N) {
        const i = next++;
        const r = await cli(["run", "cmd", "--name", `s${i}`, "--", "sleep", "600"]);
        if (r.code !== 0) failed++;
      }
    }),
  );
  emit("launch_total_ms", Date.now() - t0, { launchFailures: failed });
  if (MONITOR) {
    watch = execFile(process.execPath, [MAIN, "watch"], { env });
    await new Promise((r) => setTimeout(r, 3000));
  }
  const db = new Database(join(state, "agentmux.db"), { readonly: true });
  const live = () =>
    db.prepare("SELECT count(*) AS n FROM runs WHERE state IN ('starting','running')").get().n;
  emit("running_before_kill", live());

  // 2. Kill the server; sample until every run is recorded.
  const memBefore = memAvailableMb();
  const pid = Number(
    execFileSync("tmux", ["-S", socket, "display-message", "-p", "#{pid}"]).toString(),
  );
  const killedAt = Date.now();
  process.kill(pid, "SIGKILL");
  let peakFinishers = 0;
  let peakProcs = 0;
  let peakLoad = 0;
  let minMem = memBefore;
  let doneAt = null;
  while (Date.now() - killedAt < 300_000) {
    const c = census();
    peakFinishers = Math.max(peakFinishers, c.finishers);
    peakProcs = Math.max(peakProcs, c.all);
    peakLoad = Math.max(peakLoad, loadavg()[0]);
    minMem = Math.min(minMem, memAvailableMb());
    // A monitor-less store: `ls` reconciles what no finisher recorded (as a user would).
    if (!MONITOR && Date.now() - killedAt > 20_000 && (Date.now() - killedAt) % 5000 < 250)
      await cli(["ls", "--json"]);
    if (live() === 0 && doneAt === null) doneAt = Date.now();
    if (doneAt !== null && c.finishers === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  emit("all_recorded_ms", doneAt === null ? null : doneAt - killedAt);
  emit("peak_concurrent_finishers", peakFinishers);
  emit("peak_processes_of_state_dir", peakProcs);
  emit("peak_load_1m", Math.round(peakLoad * 100) / 100);
  emit("peak_memory_used_mb", Math.round(memBefore - minMem));
  const ends = db
    .prepare(
      "SELECT state, end_reason AS reason, count(*) AS n FROM runs GROUP BY state, end_reason",
    )
    .all();
  emit(
    "run_ends",
    ends.reduce((a, r) => a + r.n, 0),
    { ends },
  );
  db.close();
} finally {
  if (watch) watch.kill("SIGTERM");
  try {
    execFileSync("tmux", ["-S", socket, "kill-server"], { stdio: "ignore" });
  } catch {
    // already gone: that was the point
  }
  await new Promise((r) => setTimeout(r, 2000));
  // Finishers still writing (a run past the sampling window) may refill it meanwhile.
  rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 1000 });
}
