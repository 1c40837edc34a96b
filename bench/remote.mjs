// Remote-host benchmarks: simulated hosts on this machine (network
// namespaces, an sshd and a user each; test/helpers/sim-hosts.mjs), reached
// by the local agentmux over ssh exactly as real hosts are.
//
//   remote-status     status of a remote session: warm (shared connection and the
//                     host's resident server up) vs local + 1 RTT + 30 ms, measured
//                     interleaved with local status and with the plain path
//                     (AGENTMUX_REMOTE_RESIDENT=0: an ssh session and a Node start
//                     there per call); cold (first contact) separately
//   remote-ls-all     ls --all-hosts over 10 hosts vs the slowest single host (and
//                     the plain path's ls --all-hosts beside it)
//   remote-notify     a remote run ends -> the local notification command starts
//                     (local watch holding the host's event channel)
//   remote-fleet-count  a local `run` with a concurrency limit (the account's
//                     runs counted on all 10 hosts) vs the same run without one
//
// Standalone: node bench/remote.mjs [status|ls-all|notify|fleet]  (needs root and sshd).
import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { asHostUser, createSimHosts, simHostsUnavailable } from "../test/helpers/sim-hosts.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = join(root, "dist", "bin", "main.js");
const round = (x) => Math.round(x * 10) / 10;
const p50 = (v) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
const p90 = (v) => [...v].sort((a, b) => a - b)[Math.ceil(0.9 * v.length) - 1];
/** The 1-minute load average while a figure was taken (the machine is shared). */
const load = () => round(loadavg()[0]);

function cli(env, args, allowFail = false) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const ms = performance.now() - t0;
        if (err && !allowFail) reject(new Error(`${args.join(" ")}: ${stderr || err.message}`));
        else resolve({ stdout, stderr, ms });
      },
    );
  });
}

async function timed(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
}

/** One TCP round trip to the host's sshd from the client namespace (connect = SYN, SYN-ACK). */
function rttMs(sim, host) {
  const script = `
    const net = require("net");
    const times = [];
    const one = () => new Promise((res, rej) => {
      const t0 = process.hrtime.bigint();
      const s = net.connect(22, ${JSON.stringify(host.addr)}, () => {
        times.push(Number(process.hrtime.bigint() - t0) / 1e6); s.destroy(); res();
      });
      s.on("error", rej);
    });
    (async () => { for (let i = 0; i < 20; i++) await one();
      times.sort((a, b) => a - b); console.log(times[10]); })();`;
  return Number(
    execFileSync("ip", ["netns", "exec", sim.clientNs, process.execPath, "-e", script], {
      encoding: "utf8",
    }).trim(),
  );
}

/** The same calls without the resident server: one ssh session and one Node start there each. */
const plainEnv = (env) => ({ ...env, AGENTMUX_REMOTE_RESIDENT: "0" });

export async function benchRemote(report, which = ["status", "ls-all", "notify", "fleet"]) {
  const why = simHostsUnavailable();
  if (why) {
    report("remote", { skipped: why });
    return;
  }
  const sim = await createSimHosts(10);
  const tmp = mkdtempSync(join(tmpdir(), "agentmux-bench-remote-"));
  const home = join(tmp, "home");
  mkdirSync(home);
  const env = {
    ...process.env,
    ...sim.env,
    HOME: home,
    AGENTMUX_HOME: join(tmp, "state"),
    AGENTMUX_SOCKET: join(tmp, "tmux.sock"),
    AGENTMUX_CONFIG: join(tmp, "config.json"),
  };
  delete env.TMUX;
  writeFileSync(
    env.AGENTMUX_CONFIG,
    JSON.stringify({ notify: { desktop: false }, monitor: false }),
  );
  let watch = null;
  try {
    for (const h of sim.hosts) await cli(env, ["host", "add", h.name, h.name]);
    const h0 = sim.hosts[0];

    if (which.includes("status")) {
      await cli(env, ["run", "cmd", "--name", "loc", "--cwd", tmp, "--", "sleep", "600"]);
      await cli(env, [
        "run",
        "cmd",
        "--host",
        "h0",
        "--name",
        "rem",
        "--cwd",
        "proj",
        "--",
        "sleep",
        "600",
      ]);
      // First contact: host rm ends the shared connection and the resident server there.
      const cold = [];
      const plainCold = [];
      for (let i = 0; i < 5; i++) {
        for (const [e, into] of [
          [env, cold],
          [plainEnv(env), plainCold],
        ]) {
          await cli(env, ["host", "rm", "h0"]);
          await cli(env, ["host", "add", "h0", "h0"]);
          into.push((await cli(e, ["status", "rem", "--host", "h0", "--json"])).ms);
        }
      }
      // Warm up: the server started by the first contact is listening.
      for (let i = 0; i < 3; i++) await cli(env, ["status", "rem", "--host", "h0", "--json"]);
      // Interleaved, so load from other work on the machine falls on all three alike.
      const local = [];
      const warm = [];
      const plain = [];
      const loadAt = load();
      for (let i = 0; i < 25; i++) {
        local.push((await cli(env, ["status", "loc", "--json"])).ms);
        warm.push((await cli(env, ["status", "rem", "--host", "h0", "--json"])).ms);
        plain.push((await cli(plainEnv(env), ["status", "rem", "--host", "h0", "--json"])).ms);
      }
      const rtt = rttMs(sim, h0);
      const budget = p50(local) + rtt + 30;
      report("remote-status", {
        local_p50_ms: round(p50(local)),
        warm_p50_ms: round(p50(warm)),
        warm_p90_ms: round(p90(warm)),
        plain_warm_p50_ms: round(p50(plain)),
        cold_p50_ms: round(p50(cold)),
        plain_cold_p50_ms: round(p50(plainCold)),
        rtt_ms: round(rtt),
        target_ms: round(budget),
        over_local_ms: round(p50(warm) - p50(local)),
        met: p50(warm) <= budget,
        load1: loadAt,
      });
      await cli(env, ["kill", "loc"], true);
      await cli(env, ["kill", "rem", "--host", "h0"], true);
    }

    if (which.includes("ls-all")) {
      await Promise.all(
        sim.hosts.map((h) =>
          cli(env, [
            "run",
            "cmd",
            "--host",
            h.name,
            "--name",
            `s-${h.name}`,
            "--cwd",
            "proj",
            "--",
            "true",
          ]),
        ),
      );
      // Warm every shared connection and resident server first; then each host alone, then all together.
      for (let i = 0; i < 3; i++) await cli(env, ["ls", "--all-hosts", "--json"]);
      const loadAt = load();
      const single = [];
      for (const h of sim.hosts) {
        single.push(
          p50(await timed(5, () => cli(env, ["ls", "--host", h.name, "--json"]).then((r) => r.ms))),
        );
      }
      const all = await timed(10, () =>
        cli(env, ["ls", "--all-hosts", "--json"]).then((r) => r.ms),
      );
      const plain = await timed(10, () =>
        cli(plainEnv(env), ["ls", "--all-hosts", "--json"]).then((r) => r.ms),
      );
      const slowest = Math.max(...single);
      const sum = single.reduce((a, b) => a + b, 0);
      report("remote-ls-all-hosts", {
        hosts: sim.hosts.length,
        all_hosts_p50_ms: round(p50(all)),
        slowest_single_p50_ms: round(slowest),
        sum_single_ms: round(sum),
        ratio_to_slowest: round(p50(all) / slowest),
        plain_all_hosts_p50_ms: round(p50(plain)),
        load1: loadAt,
      });
    }

    if (which.includes("notify")) {
      // The host's own monitor finishes runs there the moment they exit.
      writeFileSync(
        join(h0.home, "config.json"),
        JSON.stringify({ killGraceSeconds: 1, notify: { desktop: false }, monitor: true }),
      );
      const notes = join(tmp, "notified");
      const script = join(tmp, "notify.sh");
      writeFileSync(script, `#!/bin/sh\ndate +%s%N >> ${notes}\n`, { mode: 0o755 });
      watch = spawn(process.execPath, [MAIN, "watch", "--json"], {
        env,
        stdio: ["ignore", "pipe", "ignore"],
      });
      let log = "";
      watch.stdout.on("data", (b) => (log += b.toString()));
      const lat = [];
      for (let i = 0; i < 12; i++) {
        const gate = join(h0.home, "proj", `gate-${i}`);
        const end = join(h0.home, "proj", `end-${i}`);
        await cli(env, [
          "run",
          "cmd",
          "--host",
          "h0",
          "--name",
          `n-${i}`,
          "--cwd",
          "proj",
          // {name} makes each session its own destination: remote notifications go
          // through the outbox, which sends one message per destination per 30 s
          // window (notify/coalesce.ts); this figure is the first message's latency.
          "--notify-cmd",
          `${script} {name}`,
          "--",
          "sh",
          "-c",
          `while [ ! -e ${gate} ]; do sleep 0.02; done; date +%s%N > ${end}`,
        ]);
        const deadline = Date.now() + 20_000;
        while (!log.includes("h0: event channel up") && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        const before = existsSync(notes)
          ? readFileSync(notes, "utf8").trim().split("\n").length
          : 0;
        asHostUser(h0, ["touch", gate]);
        for (;;) {
          const lines = existsSync(notes) ? readFileSync(notes, "utf8").trim().split("\n") : [];
          if (lines.length > before) {
            const endNs = BigInt(readFileSync(end, "utf8").trim());
            lat.push(Number(BigInt(lines[lines.length - 1]) - endNs) / 1e6);
            break;
          }
          if (Date.now() > deadline)
            throw new Error(`no notification for n-${i}; watch log:\n${log}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      lat.shift(); // the first run also starts the host's monitor and opens the channel
      report("remote-notify", {
        runs: lat.length,
        p50_ms: round(p50(lat)),
        p90_ms: round(p90(lat)),
        load1: load(),
        target_p50_ms: 250,
      });
    }

    if (which.includes("fleet")) {
      // Interleaved, so both sides see the same load.
      const config = (limits) =>
        writeFileSync(
          env.AGENTMUX_CONFIG,
          JSON.stringify({ notify: { desktop: false }, monitor: false, limits }),
        );
      const withLimit = [];
      const without = [];
      for (let i = 0; i < 10; i++) {
        config({ cmd: { concurrency: 100 } });
        withLimit.push(
          (await cli(env, ["run", "cmd", "--name", `fl-${i}`, "--cwd", tmp, "--", "true"])).ms,
        );
        config({});
        without.push(
          (await cli(env, ["run", "cmd", "--name", `fn-${i}`, "--cwd", tmp, "--", "true"])).ms,
        );
      }
      report("remote-fleet-count", {
        hosts: sim.hosts.length,
        run_with_limit_p50_ms: round(p50(withLimit)),
        run_without_limit_p50_ms: round(p50(without)),
        added_p50_ms: round(p50(withLimit) - p50(without)),
      });
    }
  } finally {
    if (watch) {
      watch.kill("SIGTERM");
      await new Promise((r) => watch.on("close", r));
    }
    for (const h of sim.hosts) await cli(env, ["host", "rm", h.name], true);
    try {
      execFileSync("tmux", ["-S", env.AGENTMUX_SOCKET, "kill-server"], { stdio: "ignore" });
    } catch {
      // no local server
    }
    await sim.teardown();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv.slice(2);
  await benchRemote(
    (metric, fields) => console.log(JSON.stringify({ metric, ...fields })),
    which.length ? which : undefined,
  );
}
