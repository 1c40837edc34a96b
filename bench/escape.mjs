#!/usr/bin/env node
// Escaped processes: agents that leave two setsid'd, double-forked daemons
// (one ignoring SIGTERM) behind, ended by run end, `agentmux kill`, a tmux
// server death, and a supervisor + server death settled by `heartbeat`; with
// a cgroup per run and with the environment scan. Counts daemons still
// running afterwards (target 0). One JSON line per scenario.
//
//   node bench/escape.mjs [--per 10]
import { execFile, execFileSync } from "node:child_process";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = join(root, "dist", "bin", "main.js");
const ESCAPER = join(root, "test", "fixtures", "escaper.sh");
const { values: opt } = parseArgs({ options: { per: { type: "string", default: "10" } } });
const PER = Number(opt.per);

const resultsDir = join(root, "bench", "results");
mkdirSync(resultsDir, { recursive: true });
const resultsFile = join(resultsDir, `${new Date().toISOString().slice(0, 10)}.jsonl`);
function report(metric, fields) {
  const line = JSON.stringify({ metric, ...fields, at: new Date().toISOString() });
  console.log(line);
  appendFileSync(resultsFile, `${line}\n`);
}

const startTicks = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
};
const running = (d) => {
  const now = startTicks(d.pid);
  if (now === null || now !== d.start) return false;
  const stat = readFileSync(`/proc/${d.pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function world(extraEnv) {
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), "agentmux-escape-")));
  mkdirSync(join(tmp, "home"));
  const env = {
    ...process.env,
    ...extraEnv,
    HOME: join(tmp, "home"),
    AGENTMUX_HOME: join(tmp, "state"),
    AGENTMUX_SOCKET: join(tmp, "sock"),
    AGENTMUX_CONFIG: join(tmp, "config.json"),
  };
  delete env.TMUX;
  writeFileSync(
    env.AGENTMUX_CONFIG,
    JSON.stringify({ killGraceSeconds: 1, notify: { desktop: false }, monitor: false }),
  );
  const cli = (args, more = {}) =>
    new Promise((resolve) =>
      execFile(process.execPath, [MAIN, ...args], { env: { ...env, ...more } }, (e, stdout) =>
        resolve({ code: e ? 1 : 0, stdout }),
      ),
    );
  return { tmp, env, cli };
}

async function scenario(mode, how) {
  const w = await world(mode === "environment scan" ? { AGENTMUX_CGROUP: "off" } : {});
  const daemons = [];
  const names = [];
  for (let i = 0; i < PER; i++) {
    const dir = join(w.tmp, `d${i}`);
    mkdirSync(dir);
    const name = `e${i}`;
    names.push(name);
    await w.cli(
      [
        "run",
        "cmd",
        "--name",
        name,
        "--cwd",
        w.tmp,
        "--",
        ESCAPER,
        how === "end" ? "exit" : "hang",
      ],
      { ESCAPE_DIR: dir },
    );
    for (const f of ["calm", "stubborn"]) {
      const path = join(dir, f);
      for (let t = 0; t < 400; t++) {
        try {
          const pid = Number(readFileSync(path, "utf8"));
          daemons.push({ pid, start: startTicks(pid) });
          break;
        } catch {
          await sleep(25);
        }
      }
    }
  }
  const t0 = Date.now();
  const ended = async () => {
    for (const n of names) {
      for (let t = 0; t < 400; t++) {
        const s = JSON.parse((await w.cli(["status", n, "--json"])).stdout);
        if (!["starting", "running"].includes(s.state) && s.endedAt) break;
        await sleep(50);
      }
    }
  };
  let orphansEnded = null;
  if (how === "end") await ended();
  if (how === "kill") await Promise.all(names.map((n) => w.cli(["kill", n])));
  if (how === "server death") {
    execFileSync("tmux", ["-S", w.env.AGENTMUX_SOCKET, "kill-server"], { stdio: "ignore" });
    await ended();
  }
  if (how === "supervisor + server death") {
    for (const n of names) {
      const s = JSON.parse((await w.cli(["status", n, "--json"])).stdout);
      try {
        process.kill(s.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    execFileSync("tmux", ["-S", w.env.AGENTMUX_SOCKET, "kill-server"], { stdio: "ignore" });
    orphansEnded = JSON.parse((await w.cli(["heartbeat", "--json"])).stdout).orphansEnded;
  }
  const ms = Date.now() - t0;
  const survivors = daemons.filter(running);
  report("escaped_processes", {
    mode,
    how,
    daemons: daemons.length,
    survivors: survivors.length,
    ...(orphansEnded === null ? {} : { orphansEnded }),
    ms,
    target: 0,
  });
  for (const d of survivors) process.kill(d.pid, "SIGKILL");
  try {
    execFileSync("tmux", ["-S", w.env.AGENTMUX_SOCKET, "kill-server"], { stdio: "ignore" });
  } catch {
    // gone already
  }
  rmSync(w.tmp, { recursive: true, force: true });
}

for (const mode of ["cgroup", "environment scan"]) {
  for (const how of ["end", "kill", "server death", "supervisor + server death"]) {
    await scenario(mode, how);
  }
}
