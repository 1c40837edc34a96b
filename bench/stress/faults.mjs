#!/usr/bin/env node
// Fault injection: SIGKILLs at random moments of `run`, the supervisor, the
// finisher, `watch` and `heartbeat`, on a private socket and state dir. Then
// counts what must be 0: phantom sessions, store integrity failures, orphaned
// agents 30 s later, wrong exit codes, duplicate agents of one session.
//
//   npm run stress -- faults [--rounds 60]
import { execFile, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MAIN = join(root, "dist", "bin", "main.js");
const Database = createRequire(import.meta.url)(join(root, "node_modules", "better-sqlite3"));
const i = process.argv.indexOf("--rounds");
const ROUNDS = i === -1 ? 60 : Number(process.argv[i + 1]);
const KINDS = ["run", "supervisor", "finisher", "watch", "heartbeat"];

const tmp = mkdtempSync(join(tmpdir(), "amx-faults-"));
const socket = join(tmp, "sock");
const state = join(tmp, "state");
const repo = join(tmp, "repo");
mkdirSync(join(tmp, "home"));
mkdirSync(repo);
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rand = (n) => Math.floor(Math.random() * n);
const cli = (args) =>
  new Promise((resolve) =>
    execFile(process.execPath, [MAIN, ...args], { env, maxBuffer: 1 << 26 }, (e, out) =>
      resolve({ code: e ? 1 : 0, out }),
    ),
  );
const json = async (args) => JSON.parse((await cli([...args, "--json"])).out || "null");
const start = (args) => spawn(process.execPath, [MAIN, ...args], { env, stdio: "ignore" });
const kill = (pid) => {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    /* gone */
  }
};
async function until(probe, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v) return v;
    await sleep(20);
  }
  return null;
}

execFile("git", ["init", "-q", repo], () => undefined);
await sleep(300);
const expected = new Map(); // name -> expected end: exit code, or "lost"/"any"
const counts = Object.fromEntries(KINDS.map((k) => [k, 0]));
for (let r = 0; r < ROUNDS; r++) {
  const kind = KINDS[r % KINDS.length];
  counts[kind]++;
  const code = rand(3);
  const name = `f${r}-${kind}`;
  const agent = (s) => ["--", "sh", "-c", `sleep ${s}; exit ${code}`];
  if (kind === "run") {
    const p = start(["run", "cmd", "--name", name, "--cwd", repo, ...agent(0.3)]);
    await sleep(rand(700));
    kill(p.pid);
    expected.set(name, "started-or-queued");
  } else if (kind === "supervisor") {
    await cli(["run", "cmd", "--name", name, "--cwd", repo, ...agent(2)]);
    const s = await until(async () => {
      const j = await json(["status", name]);
      return j?.pid ? j : null;
    }, 5000);
    await sleep(rand(2500));
    if (s) kill(s.pid);
    expected.set(name, "lost-or-exit");
  } else if (kind === "finisher") {
    await cli(["run", "cmd", "--name", name, "--cwd", repo, ...agent(0.2)]);
    const s = await json(["status", name]);
    const exitFile = join(dirname(s.logPath), "exit");
    await until(() => existsSync(exitFile), 5000);
    await sleep(rand(150));
    kill(s.pid); // by then the supervisor's pid runs the node finisher
    expected.set(name, code);
  } else if (kind === "watch") {
    const w = start(["watch"]);
    await cli(["run", "cmd", "--name", name, "--cwd", repo, ...agent(0.5)]);
    await sleep(rand(1000));
    kill(w.pid);
    expected.set(name, code);
  } else {
    await cli(["run", "cmd", "--name", name, "--cwd", repo, ...agent(0.1)]);
    await sleep(rand(200));
    const h = start(["heartbeat", "--restart"]);
    await sleep(rand(300));
    kill(h.pid);
    expected.set(name, code);
  }
}
// Past every grace, the monitor's one-shot passes settle and start what was left.
await sleep(12_000);
for (let k = 0; k < 3; k++) {
  await cli(["heartbeat"]);
  await sleep(1000);
}
await until(
  async () =>
    (await json(["ls"])).every((s) => !["starting", "running", "queued"].includes(s.state)),
  30_000,
);
await sleep(30_000); // orphans are counted 30 s later

const list = (await json(["ls"])).filter((s) => !s.foreign);
let phantom = 0,
  wrongExit = 0;
const wrong = [];
for (const s of list) {
  if (s.runs === 0 || ["starting", "queued"].includes(s.state)) {
    phantom++;
    continue;
  }
  const want = expected.get(s.name);
  if (typeof want === "number" && s.state !== "lost" && s.exitCode !== want) {
    wrongExit++;
    wrong.push([s.name, s.state, s.exitCode, want]);
  }
  if (typeof want === "number" && s.state === "lost") {
    wrongExit++;
    wrong.push([s.name, s.state, s.exitCode, want]);
  }
}
const db = new Database(join(state, "agentmux.db"), { readonly: true });
const integrity = db.prepare("PRAGMA integrity_check").pluck().all();
db.close();
const agents = new Map();
let orphans = 0;
for (const p of readdirSync("/proc")) {
  if (!/^\d+$/.test(p)) continue;
  try {
    const e = readFileSync(`/proc/${p}/environ`, "utf8").split("\0");
    if (!e.includes(`AGENTMUX_HOME=${state}`)) continue;
    const sess = e.find((x) => x.startsWith("AGENTMUX_SESSION="));
    if (!sess) continue;
    orphans++;
    agents.set(sess, (agents.get(sess) ?? 0) + 1);
  } catch {
    /* exited or not ours */
  }
}
const duplicates = [...agents.values()].filter((n) => n > 1).length;
const emit = (metric, value, extra = {}) =>
  console.log(JSON.stringify({ bench: "stress-faults", metric, value, rounds: ROUNDS, ...extra }));
emit("kills", ROUNDS, { byTarget: counts });
emit("phantom_sessions", phantom);
emit("integrity_check_failures", integrity.join() === "ok" ? 0 : 1, { integrity });
emit("orphans_after_30s", orphans);
emit("wrong_exit_codes", wrongExit, { wrong });
emit("duplicate_agents", duplicates);
emit("sessions", list.length, {
  states: list.reduce((a, s) => ((a[s.state] = (a[s.state] ?? 0) + 1), a), {}),
});
try {
  execFile("tmux", ["-S", socket, "kill-server"], () => undefined);
} catch {
  /* none */
}
await sleep(2000);
rmSync(tmp, { recursive: true, force: true });
