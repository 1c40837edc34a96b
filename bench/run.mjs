#!/usr/bin/env node
// agentmux benchmarks. Prints one JSON line per metric and appends them to
// bench/results/<date>.jsonl. Everything runs in a temp directory with a
// private tmux socket; nothing touches ~/.tmux/sock or $HOME.
//
//   npm run bench                  all benchmarks
//   npm run bench -- latency ls    only the named ones
import { execFile, execFileSync } from "node:child_process";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  existsSync,
  readdirSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = join(root, "dist", "bin", "main.js");
const selected = process.argv.slice(2);
const want = (name) => selected.length === 0 || selected.includes(name);

const tmp = mkdtempSync(join(tmpdir(), "agentmux-bench-"));
const socket = join(tmp, "tmux.sock");
const home = join(tmp, "home");
mkdirSync(home);
const env = {
  ...process.env,
  HOME: home,
  AGENTMUX_HOME: join(tmp, "state"),
  AGENTMUX_SOCKET: socket,
  AGENTMUX_CONFIG: join(tmp, "config.json"),
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@agentmux.invalid",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@agentmux.invalid",
};
delete env.TMUX;
// The monitor is off unless a benchmark is about it (it would start on the first run).
const writeConfig = (monitor) =>
  writeFileSync(
    env.AGENTMUX_CONFIG,
    JSON.stringify({ killGraceSeconds: 1, notify: { desktop: false }, monitor }),
  );
writeConfig(false);
const repo = join(tmp, "repo");
execFileSync("git", ["init", "-q", "-b", "main", repo]);
writeFileSync(join(repo, "README.md"), "bench\n");
execFileSync("git", ["-C", repo, "add", "."], { env });
execFileSync("git", ["-C", repo, "commit", "-qm", "init"], { env });

const resultsDir = join(root, "bench", "results");
mkdirSync(resultsDir, { recursive: true });
const resultsFile = join(resultsDir, `${new Date().toISOString().slice(0, 10)}.jsonl`);

function report(metric, fields) {
  const line = JSON.stringify({ metric, ...fields, at: new Date().toISOString() });
  console.log(line);
  appendFileSync(resultsFile, `${line}\n`);
}

function cli(args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env, maxBuffer: 256 * 1024 * 1024, ...opts },
      (err, stdout, stderr) => {
        if (err && !opts.allowFail)
          reject(new Error(`agentmux ${args.join(" ")} failed: ${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const round = (x) => Math.round(x * 100) / 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFile(path, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path) || readFileSync(path, "utf8").trim() === "") {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await sleep(5);
  }
  return readFileSync(path, "utf8").trim();
}

async function waitEnded(name) {
  for (;;) {
    const s = JSON.parse((await cli(["status", name, "--json"])).stdout);
    if (!["starting", "running"].includes(s.state)) return s;
    await sleep(50);
  }
}

function timeCommand(cmd, args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    execFileSync(cmd, args, {
      env,
      stdio: ["ignore", "ignore", "inherit"],
      maxBuffer: 256 * 1024 * 1024,
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times;
}

// 1. Agent exit -> notification command started. The agent writes the clock
// just before it exits; the notification command writes it as it starts.
// By default `agentmux run` starts the monitor (agentmux watch) on demand,
// which finishes the run itself; with the monitor off the supervisor starts
// a finisher (node) instead.
async function benchLatency(runs = 50, monitor = true) {
  const samples = [];
  const tag = monitor ? "m" : "n";
  writeConfig(monitor);
  for (let i = 0; i < runs; i++) {
    const exitFile = join(tmp, `exit-${tag}-${i}`);
    const notifyFile = join(tmp, `notify-${tag}-${i}`);
    await cli([
      "run",
      "cmd",
      "--name",
      `lat-${tag}-${i}`,
      "--cwd",
      repo,
      "--notify-cmd",
      `sh -c 'date +%s%N > ${notifyFile}'`,
      "--",
      "sh",
      "-c",
      // A second of "work" first, as any real agent has: the launch's own
      // bookkeeping (and watch's passes over it) is over by the time it exits.
      `sleep 1; date +%s%N > ${exitFile}`,
    ]);
    const exitNs = BigInt(await waitFile(exitFile));
    const notifyNs = BigInt(await waitFile(notifyFile));
    samples.push(Number(notifyNs - exitNs) / 1e6);
  }
  writeConfig(false);
  if (monitor) {
    // Stop the monitor the first run started, by its recorded pid.
    const hb = JSON.parse((await cli(["heartbeat", "--json"], { allowFail: true })).stdout);
    if (hb.monitor.running) {
      process.kill(hb.monitor.pid, "SIGTERM");
      while (existsSync(`/proc/${hb.monitor.pid}`)) await sleep(20);
    }
  }
  report(monitor ? "exit_to_notify_ms" : "exit_to_notify_ms_no_monitor", {
    runs,
    p50: round(percentile(samples, 50)),
    p99: round(percentile(samples, 99)),
    min: round(Math.min(...samples)),
    target_p50: 20,
  });
}

// 2. Launch time per session, and `ls --json` vs `node -e 0` at 200 sessions
// and (the scale where other session managers lag for seconds) at 1,000.
const LS_SCALES = [
  { sessions: 200, target: 1.5 },
  { sessions: Number(process.env.AGENTMUX_BENCH_SESSIONS ?? 1000), target: 2 },
];

async function benchLaunchAndLs() {
  const launch = [];
  let launched = 0;
  for (const { sessions, target } of LS_SCALES) {
    // The first 200 one at a time (their launch time is a metric), the rest 8 at once.
    while (launched < sessions) {
      const batch = [];
      const width = launched < LS_SCALES[0].sessions ? 1 : 8;
      for (let j = 0; j < width && launched < sessions; j++, launched++) {
        const name = `ls-${launched}`;
        const t0 = process.hrtime.bigint();
        batch.push(
          cli(["run", "cmd", "--name", name, "--cwd", repo, "--no-notify", "--", "true"]).then(
            () => width === 1 && launch.push(Number(process.hrtime.bigint() - t0) / 1e6),
          ),
        );
      }
      await Promise.all(batch);
    }
    if (sessions === LS_SCALES[0].sessions) {
      report("launch_ms", {
        sessions,
        p50: round(percentile(launch, 50)),
        p99: round(percentile(launch, 99)),
      });
    }
    await lsRatio(sessions, target);
  }
  // A store that has been used for months: every session with 20 older runs
  // (restarts, loop iterations; rm keeps them). ls lists the latest run of
  // each, so the history should cost it nothing.
  const history = 20;
  addHistory(history);
  await lsRatio(LS_SCALES[1].sessions, LS_SCALES[1].target, {
    metric: `ls_json_${LS_SCALES[1].sessions}_sessions_${history}_runs_each`,
    runs: LS_SCALES[1].sessions * (history + 1),
  });
}

/** Gives every session `n` settled runs before its latest one: copies of it, written straight into the store. */
function addHistory(n) {
  const Database = createRequire(join(root, "package.json"))("better-sqlite3");
  const db = new Database(join(env.AGENTMUX_HOME, "agentmux.db"));
  try {
    const columns = db
      .prepare("SELECT * FROM runs LIMIT 1")
      .columns()
      .map((c) => c.name)
      .filter((c) => c !== "id");
    const copy = db.prepare(
      `INSERT INTO runs (${columns.join(", ")})
       SELECT ${columns.map((c) => (c === "run_no" ? "?" : c)).join(", ")} FROM runs
       WHERE session_id = ? AND run_no = ?`,
    );
    db.transaction(() => {
      db.prepare("UPDATE runs SET run_no = run_no + ?").run(n);
      for (const { id } of db.prepare("SELECT id FROM sessions").all()) {
        for (let k = 1; k <= n; k++) copy.run(k, id, n + 1);
      }
    })();
  } finally {
    db.close();
  }
}

/** `ls --json` against `node -e 0`, side by side in one run, once every run has settled. */
async function lsRatio(count, target, extra = {}) {
  // Let every run settle so ls measures the steady state, not finishers.
  await waitEnded(`ls-${count - 1}`);
  for (;;) {
    const all = JSON.parse((await cli(["ls", "--json"])).stdout);
    if (all.filter((s) => ["starting", "running"].includes(s.state)).length === 0) break;
    await sleep(200);
  }
  // The launches' aftermath (finishers exiting, the tmux server settling)
  // is not what ls costs: wait for a quiet second first.
  const quiet = await quietSecond();
  // Interleaved pairs: this VM's start-up times drift by tens of ms over a
  // minute (its page cache is reclaimed), so each ls is compared with the
  // node -e 0 just before it, and the ratio is the median of those.
  const runs = 40;
  timeCommand(process.execPath, ["-e", "0"], 3); // warm the page cache
  timeCommand(process.execPath, [MAIN, "ls", "--json"], 3);
  const nodeTimes = [];
  const lsTimes = [];
  const ratios = [];
  for (let i = 0; i < runs; i++) {
    const [n] = timeCommand(process.execPath, ["-e", "0"], 1);
    const [l] = timeCommand(process.execPath, [MAIN, "ls", "--json"], 1);
    nodeTimes.push(n);
    lsTimes.push(l);
    ratios.push(l / n);
  }
  report(extra.metric ?? `ls_json_${count}_sessions`, {
    sessions: count,
    ...(extra.runs === undefined ? {} : { runs_in_store: extra.runs }),
    pairs: runs,
    ls_ms_p50: round(percentile(lsTimes, 50)),
    node_e0_ms_p50: round(percentile(nodeTimes, 50)),
    ratio: round(percentile(ratios, 50)),
    target_ratio: target,
    waited_for_quiet_s: quiet.waitedS,
    busy_cores_before: quiet.busyCores,
  });
}

/** Total and idle CPU ticks of the machine (/proc/stat). */
function cpuTicks() {
  const f = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { total: f.reduce((a, b) => a + b, 0), idle: (f[3] ?? 0) + (f[4] ?? 0) };
}

/**
 * Waits (up to 60 s) for a second in which the machine uses under a fifth
 * of a core; returns how long that took and the last second's busy cores.
 */
async function quietSecond() {
  const t0 = Date.now();
  const cores = readFileSync("/proc/stat", "utf8")
    .split("\n")
    .filter((l) => /^cpu\d/.test(l)).length;
  for (;;) {
    const a = cpuTicks();
    await sleep(1000);
    const b = cpuTicks();
    const busyCores = round((1 - (b.idle - a.idle) / Math.max(1, b.total - a.total)) * cores);
    if (busyCores < 0.2 || Date.now() - t0 > 60_000) {
      return { waitedS: round((Date.now() - t0) / 1000), busyCores };
    }
  }
}

// 3. Supervision RSS per running session: the perl supervisor plus tmux's pipe-pane
// logger, read from /proc while the agents sleep.
async function benchRss(count = 20) {
  for (let i = 0; i < count; i++) {
    await cli([
      "run",
      "cmd",
      "--name",
      `rss-${i}`,
      "--cwd",
      repo,
      "--no-notify",
      "--",
      "sleep",
      "120",
    ]);
  }
  await sleep(1000);
  const rssKb = (pid) => {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  };
  // PSS and USS count shared pages (libperl, libc) once across all sessions,
  // which is what one more session really costs; RSS counts them in full.
  const rollup = (pid, field) => {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(
        readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"),
      );
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  };
  const ussKb = (pid) => rollup(pid, "Private_Clean") + rollup(pid, "Private_Dirty");
  const allPids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  const sup = [];
  const supPss = [];
  const supUss = [];
  const logger = [];
  const loggerPss = [];
  const loggerUss = [];
  for (let i = 0; i < count; i++) {
    const s = JSON.parse((await cli(["status", `rss-${i}`, "--json"])).stdout);
    sup.push(rssKb(s.pid));
    supPss.push(rollup(s.pid, "Pss"));
    supUss.push(ussKb(s.pid));
    // pipe-pane's logger (`exec cat >> LOG`) is whichever process holds the log open for writing.
    for (const pid of allPids) {
      if (Number(pid) === s.pid) continue;
      try {
        const fds = readdirSync(`/proc/${pid}/fd`);
        if (
          fds.some((fd) => {
            try {
              return readlinkSync(`/proc/${pid}/fd/${fd}`) === s.logPath;
            } catch {
              return false;
            }
          })
        ) {
          logger.push(rssKb(pid));
          loggerPss.push(rollup(pid, "Pss"));
          loggerUss.push(ussKb(pid));
        }
      } catch {
        // not ours to read, or gone
      }
    }
  }
  const avg = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  report("supervision_rss_kb", {
    sessions: count,
    supervisor_rss_avg: round(avg(sup)),
    supervisor_pss_avg: round(avg(supPss)),
    supervisor_uss_avg: round(avg(supUss)),
    logger_rss_avg: round(avg(logger)),
    logger_pss_avg: round(avg(loggerPss)),
    logger_uss_avg: round(avg(loggerUss)),
    loggers_found: logger.length,
    supervisor_rss_mb: round(avg(sup) / 1024),
    per_session_uss_mb: round((avg(supUss) + avg(loggerUss)) / 1024),
    // What each of these sessions costs, shared pages split between them.
    per_session_pss_mb: round((avg(supPss) + avg(loggerPss)) / 1024),
    target_mb: 5,
  });
  for (let i = 0; i < count; i++) await cli(["kill", `rss-${i}`], { allowFail: true });
}

try {
  if (want("latency")) await benchLatency();
  if (want("latency-nomonitor")) await benchLatency(50, false);
  if (want("ls")) await benchLaunchAndLs();
  if (want("rss")) await benchRss();
  if (want("lost") || want("watch-cpu") || want("heartbeat") || want("monitor-scale")) {
    const m = await import("./monitor.mjs");
    if (want("lost")) await m.benchLostLatency(report);
    if (want("watch-cpu")) await m.benchWatchIdleCpu(report);
    if (want("heartbeat")) await m.benchHeartbeatWall(report);
    if (want("monitor-scale"))
      await m.benchMonitorAtScale(report, Number(process.env.AGENTMUX_BENCH_SESSIONS ?? 1000));
  }
  if (want("wait") || want("wait-lib") || want("mcp")) {
    const a = await import("./assistants.mjs");
    const world = { env, tmp, repo, main: MAIN, cli, report, writeConfig };
    if (want("wait")) await a.benchWait(world);
    if (want("wait-lib")) await a.benchWaitLibrary(world);
    if (want("mcp")) await a.benchMcp(world);
  }
  if (want("web")) {
    const { benchWeb } = await import("./web.mjs");
    await benchWeb(report);
  }
  if (
    want("remote") ||
    want("remote-status") ||
    want("remote-ls-all") ||
    want("remote-notify") ||
    want("remote-fleet")
  ) {
    const { benchRemote } = await import("./remote.mjs");
    const all = want("remote");
    await benchRemote(
      report,
      ["status", "ls-all", "notify", "fleet"].filter((k) => all || want(`remote-${k}`)),
    );
  }
  if (want("loop")) {
    const { benchLoopOverhead } = await import("./loop.mjs");
    await benchLoopOverhead({ env, tmp, cli, report });
  }
  if (want("truth")) {
    const { benchTruth } = await import("./truth.mjs");
    await benchTruth({ env, tmp, cli, report });
  }
} finally {
  try {
    execFileSync("tmux", ["-S", socket, "kill-server"], { stdio: "ignore" });
  } catch {
    // no server left
  }
  rmSync(tmp, { recursive: true, force: true });
}
