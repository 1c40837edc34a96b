// Benchmarks for the assistants' surface: `agentmux wait` and `agentmux mcp`.
// Run by bench/run.mjs (`npm run bench -- wait mcp`); same private world.
import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

const round = (x) => Math.round(x * 100) / 100;
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFile(path, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path) || readFileSync(path, "utf8").trim() === "") {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await sleep(5);
  }
  return readFileSync(path, "utf8").trim();
}

/**
 * Run ends -> `agentmux wait` returns. The agent writes the clock just
 * before it exits; `wait` was started while it worked, and the time it
 * exits is taken here (the same realtime clock). With the monitor (the
 * default) the run is settled by `agentmux watch`; without it, by a
 * finisher the supervisor starts.
 */
export async function benchWait({ env, tmp, repo, main, cli, report, writeConfig }, runs = 30) {
  for (const monitor of [true, false]) {
    writeConfig(monitor);
    const samples = [];
    const notified = [];
    const nodeE0 = [];
    const load = [loadavg()[0]];
    for (let i = 0; i < runs; i++) {
      // Node's own start on this machine now, beside each sample: the figure
      // below moves with the load, and this says how loaded it was.
      const t0 = process.hrtime.bigint();
      execFileSync(process.execPath, ["-e", "0"]);
      nodeE0.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const name = `wait-${monitor ? "m" : "n"}-${i}`;
      const exitFile = join(tmp, `${name}.exit`);
      const notifyFile = join(tmp, `${name}.notify`);
      await cli([
        "run",
        "cmd",
        "--name",
        name,
        "--cwd",
        repo,
        // The notification starts right after the run settles: the reference for what wait adds.
        "--notify-cmd",
        `sh -c 'date +%s%N > ${notifyFile}'`,
        "--",
        "sh",
        "-c",
        `sleep 1; date +%s%N > ${exitFile}`,
      ]);
      const returned = new Promise((resolve, reject) => {
        // The wait process has exited and its output is read: what a caller waits for.
        // Sub-millisecond realtime clock, comparable with the agent's `date +%s%N`.
        execFile(process.execPath, [main, "wait", name, "--json"], { env }, (err) =>
          err
            ? reject(err)
            : resolve(BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6))),
        );
      });
      const exitNs = BigInt(await waitFile(exitFile));
      samples.push(Number((await returned) - exitNs) / 1e6);
      notified.push(Number(BigInt(await waitFile(notifyFile)) - exitNs) / 1e6);
    }
    load.push(loadavg()[0]);
    report(monitor ? "run_end_to_wait_return_ms" : "run_end_to_wait_return_ms_no_monitor", {
      runs,
      p50: round(percentile(samples, 50)),
      p90: round(percentile(samples, 90)),
      p99: round(percentile(samples, 99)),
      min: round(Math.min(...samples)),
      // The same runs' exit -> notification command started: the run was settled by then.
      exit_to_notify_p50: round(percentile(notified, 50)),
      node_e0_ms_p50: round(percentile(nodeE0, 50)),
      load1_before_after: load.map(round),
      target_p50: 50,
    });
    // Else the watch the monitored runs started would settle the next runs too.
    await stopMonitor(cli);
  }
  writeConfig(false);
}

/** The monitor the runs started leaves by itself once idle; stop it now, by its recorded pid. */
async function stopMonitor(cli) {
  const hb = JSON.parse((await cli(["heartbeat", "--json"], { allowFail: true })).stdout);
  if (hb.monitor.running) {
    process.kill(hb.monitor.pid, "SIGTERM");
    while (existsSync(`/proc/${hb.monitor.pid}`)) await sleep(20);
  }
}

/** Spawn `agentmux mcp` -> the answer to `initialize` on its stdout. */
function initializeOnce(main, env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [main, "mcp"], {
      env,
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (!out.includes('"serverInfo"')) reject(new Error(`unexpected answer: ${out}`));
        child.stdin.end(); // the server leaves when its stdin closes
        child.on("exit", () => resolve(ms));
      }
    });
    child.on("error", reject);
    child.stdin.write(
      `${JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "bench", version: "1" },
        },
      })}\n`,
    );
  });
}

export async function benchMcp({ env, main, report }, runs = 30) {
  await initializeOnce(main, env); // warm the page cache
  const samples = [];
  const nodeE0 = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved with `node -e 0`: on a loaded machine both grow, their ratio less so.
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, ["-e", "0"]);
    nodeE0.push(Number(process.hrtime.bigint() - t0) / 1e6);
    samples.push(await initializeOnce(main, env));
  }
  report("mcp_spawn_to_initialize_ms", {
    runs,
    p50: round(percentile(samples, 50)),
    p99: round(percentile(samples, 99)),
    min: round(Math.min(...samples)),
    node_e0_ms_p50: round(percentile(nodeE0, 50)),
    target_p50: 300,
  });
}

/**
 * The store settles a run -> the library's wait() resolves, in one process:
 * wait's own part of the latency, without process start-ups. The settle
 * time is taken by a second connection polling the run's row every 1 ms in
 * a worker thread: polled on wait's own event loop, the poll would queue
 * behind wait (a wait faster than the poll's next turn lost its sample).
 */
export async function benchWaitLibrary({ env, repo, report, writeConfig }, runs = 30) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const { run, wait } = await import(join(root, "dist", "lib", "index.js"));
  writeConfig(false);
  const o = { baseEnv: env, stateDir: env.AGENTMUX_HOME, socket: env.AGENTMUX_SOCKET };
  const samples = [];
  const now = () => performance.timeOrigin + performance.now();
  for (let i = 0; i < runs; i++) {
    const name = `wlib-${i}`;
    await run({
      ...o,
      agent: "cmd",
      name,
      cwd: repo,
      args: ["sh", "-c", "sleep 1"],
      noNotify: true,
    });
    const poller = new Worker(SETTLE_POLLER, {
      eval: true,
      workerData: { db: join(env.AGENTMUX_HOME, "agentmux.db"), name, root },
    });
    const settledAt = new Promise((resolve, reject) => {
      poller.once("message", resolve);
      poller.once("error", reject);
    });
    await wait({ ...o, name });
    const returned = now();
    samples.push(returned - (await settledAt));
    await poller.terminate();
  }
  report("settle_to_wait_return_ms", {
    runs: samples.length,
    p50: round(percentile(samples, 50)),
    p90: round(percentile(samples, 90)),
    p99: round(percentile(samples, 99)),
    min: round(Math.min(...samples)),
    target_p50: 50,
  });
}

/** Polls a run's row every 1 ms; posts the realtime clock (ms) when it is no longer live. */
const SETTLE_POLLER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
const { join } = require("node:path");
const Database = createRequire(join(workerData.root, "package.json"))("better-sqlite3");
const db = new Database(workerData.db, { readonly: true });
const row = db.prepare(
  "SELECT r.state FROM runs r JOIN sessions s ON s.id = r.session_id WHERE s.name = ? AND s.removed_at IS NULL",
);
const poll = setInterval(() => {
  const state = row.get(workerData.name)?.state;
  if (!["starting", "running"].includes(state)) {
    clearInterval(poll);
    parentPort.postMessage(performance.timeOrigin + performance.now());
    db.close();
  }
}, 1);
`;
