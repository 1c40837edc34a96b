#!/usr/bin/env node
// Fuzz: 10,000 hostile inputs against the "never run agent text, deliver
// every byte exactly" promises. Prints one JSON line per metric (target: 0
// canary executions, 0 mismatched bytes, 0 argv leaks, 0 validation bypasses)
// and appends them to bench/results/<date>.jsonl.
//
//   npm run stress                       10,000 inputs (9,800 pure + 200 real tmux runs)
//   npm run stress -- --pure 2000 --real 20 --seed 7
//
// Pure layer (most inputs): template split/validate, notification planning
// and argv rendering, then the real delivery path (spawn with the
// AGENTMUX_* environment and the JSON event on stdin) into a recorder, through
// wrappers that run shells (timeout sh -c, nice, env -S, xargs, awk).
// Real layer: `agentmux run cmd` on a private tmux socket with hostile
// names, cwd, env values, arguments, prompts and agent output that reaches a
// notification. Nothing touches ~/.tmux/sock or $HOME.
import { execFile, execFileSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = join(root, "dist", "bin", "main.js");
const { values: opt } = parseArgs({
  options: {
    pure: { type: "string", default: "9800" },
    real: { type: "string", default: "200" },
    seed: { type: "string", default: "20261206" },
    jobs: { type: "string", default: "4" },
    // Also run 20 inputs through a deliberately unsafe shell string, to show
    // that the canary counter would see an injection (expect > 0 there).
    control: { type: "boolean", default: false },
  },
});
const N_PURE = Number(opt.pure);
const N_REAL = Number(opt.real);
const JOBS = Math.max(1, Number(opt.jobs));

const tmp = realpathSync(mkdtempSync(join(tmpdir(), "agentmux-fuzz-")));
const canaries = join(tmp, "canaries");
mkdirSync(canaries);

// --- the pure layers, bundled from the TypeScript sources --------------------
const core = join(tmp, "core.mjs");
await build({
  entryPoints: [join(root, "bench", "fuzz-entry.ts")],
  outfile: core,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
const m = await import(pathToFileURL(core).href);

// --- deterministic randomness -------------------------------------------------
let seed = Number(opt.seed) >>> 0;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const int = (n) => Math.floor(rand() * n);

/** A well-formed, NUL-free string of random code points (what argv and env can carry exactly). */
function randomText(max) {
  let s = "";
  const n = int(max);
  for (let i = 0; i < n; i++) {
    const r = rand();
    let cp;
    if (r < 0.5) cp = 1 + int(127);
    else if (r < 0.8) cp = 0x80 + int(0x800 - 0x80);
    else if (r < 0.95) cp = 0x800 + int(0xd800 - 0x800);
    else cp = 0x10000 + int(0x10ffff - 0x10000);
    s += String.fromCodePoint(cp);
  }
  return s;
}

/** Text that runs `touch CANARY` if any shell, awk, xargs, env -S or tmux ever treats it as code. */
function hostile(tag) {
  const c = join(canaries, tag);
  const frags = [
    `$(touch ${c})`,
    `\`touch ${c}\``,
    `'; touch ${c}; '`,
    `"; touch ${c}; "`,
    `; touch ${c}`,
    `| touch ${c}`,
    `&& touch ${c} #`,
    `\ntouch ${c}\n`,
    `" $(touch ${c}) "`,
    `BEGIN{system("touch ${c}")}`,
    `");system("touch ${c}");("`,
    `-exec touch ${c} ;`,
    `-oProxyCommand=touch ${c}`,
    `#(touch ${c})`,
    `#{pane_id} #{session_name}`,
    `$AGENTMUX_SUMMARY \${IFS}$HOME`,
    `{summary}{name}{{x}}`,
    "-e",
    "--help",
    "",
    " ",
    "*",
    "~",
    "\\",
    "'",
    '"',
    "\u001b[31mred\u001b[0m\u001b]0;title\u0007",
    "\u2028\u2029\u202e\u200b",
    "ünïcödé 日本語 🚀",
    "\r\n\t",
  ];
  let s = "";
  for (let i = 1 + int(4); i > 0; i--) s += rand() < 0.8 ? pick(frags) : randomText(24);
  return s;
}

// --- metrics -----------------------------------------------------------------
const resultsDir = join(root, "bench", "results");
mkdirSync(resultsDir, { recursive: true });
const resultsFile = join(resultsDir, `${new Date().toISOString().slice(0, 10)}.jsonl`);
function report(metric, fields) {
  const line = JSON.stringify({ metric, ...fields, at: new Date().toISOString() });
  console.log(line);
  appendFileSync(resultsFile, `${line}\n`);
}
const counts = {
  mismatches: 0,
  argvLeaks: 0,
  bypasses: 0,
  refusedAsExpected: 0,
  deliveries: 0,
  deliveryFailures: 0,
};
const examples = [];
const note = (kind, detail) => {
  if (examples.length < 5) examples.push({ kind, detail: String(detail).slice(0, 300) });
};

// --- pure layer ----------------------------------------------------------------
const recorder = join(tmp, "rec.sh");
writeFileSync(
  recorder,
  `#!/bin/sh
printf '%s\\0' "$#" "$@" > "$FUZZ_OUT.argv"
printf '%s\\0' "$AGENTMUX_SUMMARY" "$AGENTMUX_DIAGNOSIS" "$AGENTMUX_CWD" "$AGENTMUX_LOG_PATH" > "$FUZZ_OUT.env"
cat > "$FUZZ_OUT.stdin"
`,
);
chmodSync(recorder, 0o755);
const R = recorder;
const nonEmpty = (xs) => xs.filter((x) => x !== "");
const SAFE = /^[A-Za-z0-9_.:+-]*$/;
const safe = (v) => v.replace(/[^A-Za-z0-9_.:+-]/g, "_");

// Each: the template, and the argv the recorder must see (from the event's values).
const TEMPLATES = [
  {
    t: `${R} {name} {state} {exitCode} {signal} {runId} {duration} {agent} {verdict} {commits} {uncommitted}`,
    stdin: true,
    argv: (v) =>
      [
        v.name,
        v.state,
        v.exitCode,
        v.signal,
        v.runId,
        v.duration,
        v.agent,
        v.verdict,
        v.commits,
        v.uncommitted,
      ].map(safe),
  },
  {
    t: `timeout 5 sh -c '"$0" "$AGENTMUX_SUMMARY" "$AGENTMUX_DIAGNOSIS"' ${R}`,
    stdin: true,
    argv: (v) => [v.summary, v.diagnosis],
  },
  {
    t: `nice sh -c 'exec "$0" "$AGENTMUX_CWD" "$AGENTMUX_LOG_PATH" {name} {agent}' ${R}`,
    stdin: true,
    argv: (v) => [v.cwd, v.logPath, ...nonEmpty([safe(v.name), safe(v.agent)])],
  },
  {
    t: `env -S '${R} {state} {agent}'`,
    stdin: true,
    argv: (v) => nonEmpty([safe(v.state), safe(v.agent)]),
  },
  {
    t: `sh -c 'echo {name} {agent} {signal} {duration} | xargs ${R}'`,
    stdin: false,
    argv: (v) => nonEmpty([v.name, v.agent, v.signal, v.duration].map(safe)),
  },
  {
    t: `awk 'BEGIN { system("${R} {name} {agent}") }'`,
    stdin: true,
    argv: (v) => nonEmpty([safe(v.name), safe(v.agent)]),
  },
  {
    t: `timeout 5 sh -c 'printf "%s" "$AGENTMUX_SUMMARY" | xargs -0 ${R}'`,
    stdin: false,
    argv: (v) => [v.summary],
  },
];
// Templates that ask for agent text in argv: each must be refused, whatever wraps it.
const REFUSED = [
  "timeout 5 sh -c 'echo {diagnosis} >> f'",
  `${R} {summary}`,
  "nice sh -c 'echo {cwd}'",
  "ssh host notify {logPath}",
  "sudo -u bob sh -c '{summary}'",
  "su -c 'notify {diagnosis}' bob",
  "xargs -0 echo {summary}",
  "awk 'BEGIN{system(\"{diagnosis}\")}'",
  "env -S 'sh -c \"echo {summary}\"'",
  "notify --text=prefix-{summary}-suffix",
];
const words = TEMPLATES.map((x) => m.splitTemplate(x.t));
for (const w of words) m.validateTemplate(w);

const STATES = ["succeeded", "failed", "killed", "lost"];
const VERDICTS = ["verified", "no-changes", "failed", "unverifiable", "unverified", null];

function fuzzEvent(i) {
  const tag = `p${i}`;
  const h = () => (rand() < 0.7 ? hostile(tag) : randomText(40));
  return {
    name: rand() < 0.5 ? `job-${i}` : h(),
    agent: rand() < 0.7 ? pick(["codex", "claude", "cmd", "ralphy"]) : h(),
    state: rand() < 0.9 ? pick(STATES) : h(),
    exitCode: rand() < 0.2 ? null : int(256) - 1,
    signal: rand() < 0.7 ? null : rand() < 0.5 ? "SIGTERM" : h(),
    durationMs: int(1e9),
    cwd: h(),
    runId: int(1e6),
    logPath: h(),
    verdict: pick(VERDICTS),
    commits: int(20),
    uncommitted: int(20),
    ...(rand() < 0.3 ? { unbackedTicks: [h(), h()] } : {}),
    diagnosis: {
      code: rand() < 0.5 ? "crash" : h(),
      summary: h(),
      ...(rand() < 0.5 ? { fix: h() } : {}),
    },
    ...(rand() < 0.2 ? { loop: h() } : {}),
  };
}

/** The same event with every agent-controlled field replaced: argv must not change. */
function benign(e) {
  return {
    ...e,
    cwd: "/x",
    logPath: "/y",
    diagnosis: { code: "c", summary: "s" },
    unbackedTicks: e.unbackedTicks ? ["t"] : undefined,
    ...(e.loop !== undefined ? { loop: "l" } : {}),
  };
}

function splitNul(buf) {
  const s = buf.toString("utf8");
  return s === "" ? [] : s.slice(0, -1).split("\0");
}

async function pureOne(i) {
  const e = fuzzEvent(i);
  const settings = { commands: words, webhooks: [], desktop: false };
  const plan = m.planNotifications(settings, e);
  const calm = m.planNotifications(settings, benign(e));
  // Property 1: nothing the agent controls changes argv, and substituted values are inert.
  for (let k = 0; k < plan.length; k++) {
    const a = plan[k].payload.argv;
    if (JSON.stringify(a) !== JSON.stringify(calm[k]?.payload.argv)) {
      counts.argvLeaks++;
      note("argv-leak", JSON.stringify(a));
    }
  }
  const vars = m.templateVars(e);
  for (const key of [
    "name",
    "state",
    "exitCode",
    "signal",
    "runId",
    "duration",
    "agent",
    "verdict",
  ]) {
    if (!SAFE.test(safe(vars[key]))) counts.argvLeaks++;
  }
  // Property 2: a template asking for agent text in argv is refused.
  const bad = REFUSED[i % REFUSED.length].replace(/\{(summary|diagnosis|cwd|logPath)\}/, (x) =>
    rand() < 0.5 ? x : `pre${x}post`,
  );
  try {
    m.validateTemplate(m.splitTemplate(bad), bad);
    counts.bypasses++;
    note("bypass", bad);
  } catch {
    counts.refusedAsExpected++;
  }
  // Property 3: the real delivery path delivers every byte exactly, as data.
  const k = i % TEMPLATES.length;
  const planned = plan[k];
  const out = join(tmp, "rec", String(i));
  const result = await m.deliver(planned, { env: { ...process.env, FUZZ_OUT: out } });
  counts.deliveries++;
  if (!result.ok) {
    counts.deliveryFailures++;
    note("delivery-failed", `${TEMPLATES[k].t}: ${result.error}`);
    return;
  }
  const v = {
    ...vars,
    summary: vars.summary,
    diagnosis: vars.diagnosis,
  };
  const env = m.notifyEnv(e);
  const expected = {
    argv: TEMPLATES[k].argv(v),
    env: [env.AGENTMUX_SUMMARY, env.AGENTMUX_DIAGNOSIS, env.AGENTMUX_CWD, env.AGENTMUX_LOG_PATH],
    stdin: TEMPLATES[k].stdin ? `${JSON.stringify(planned.payload.body)}\n` : null,
  };
  const gotArgv = splitNul(readFileSync(`${out}.argv`));
  const gotEnv = splitNul(readFileSync(`${out}.env`));
  const gotStdin = readFileSync(`${out}.stdin`, "utf8");
  const ok =
    JSON.stringify(gotArgv) === JSON.stringify([String(expected.argv.length), ...expected.argv]) &&
    JSON.stringify(gotEnv) === JSON.stringify(expected.env) &&
    (expected.stdin === null || gotStdin === expected.stdin);
  if (!ok) {
    counts.mismatches++;
    note("mismatch", `${TEMPLATES[k].t} :: ${JSON.stringify({ gotArgv, want: expected.argv })}`);
  }
  for (const f of ["argv", "env", "stdin"]) rmSync(`${out}.${f}`, { force: true });
}

async function pool(n, jobs, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

mkdirSync(join(tmp, "rec"));
const t0 = Date.now();
await pool(N_PURE, JOBS, pureOne);
const pureMs = Date.now() - t0;

// --- real tmux layer -------------------------------------------------------------
const socket = join(tmp, "tmux.sock");
const home = join(tmp, "home");
mkdirSync(home);
const cliEnv = {
  ...process.env,
  HOME: home,
  AGENTMUX_HOME: join(tmp, "state"),
  AGENTMUX_SOCKET: socket,
  AGENTMUX_CONFIG: join(tmp, "config.json"),
  GIT_AUTHOR_NAME: "fuzz",
  GIT_AUTHOR_EMAIL: "fuzz@agentmux.invalid",
  GIT_COMMITTER_NAME: "fuzz",
  GIT_COMMITTER_EMAIL: "fuzz@agentmux.invalid",
};
delete cliEnv.TMUX;
writeFileSync(
  cliEnv.AGENTMUX_CONFIG,
  JSON.stringify({ killGraceSeconds: 1, notify: { desktop: false }, monitor: false }),
);
const agent = join(tmp, "agent.sh");
writeFileSync(
  agent,
  `#!/bin/sh
# Records argv, cwd, $FUZZ and stdin (the prompt), then prints agent output
# meant to reach a notification, and fails so the diagnosis quotes it.
printf '%s\\0' "$#" "$@" > "$REC.argv"
pwd -P > "$REC.cwd"
printf '%s' "$FUZZ" > "$REC.fuzzenv"
cat > "$REC.prompt"
printf '%s\\n' "$OUTPUT_LINE"
exit 3
`,
);
chmodSync(agent, 0o755);
const cli = (args, opts = {}) =>
  new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { ...cliEnv, ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin.end(opts.input ?? "");
  });

const real = { runs: 0, refused: 0, mismatches: 0 };
async function realOne(i) {
  const tag = `r${i}`;
  const dir = join(tmp, "real", String(i));
  mkdirSync(dir, { recursive: true });
  // A cwd whose name is hostile (any byte but / and NUL).
  const cwdName = hostile(tag).replace(/\//g, "_").slice(0, 120) || "x";
  const cwd = join(dir, `cwd-${cwdName}`);
  mkdirSync(cwd);
  const name = rand() < 0.85 ? `f${i}-${int(1e6)}` : hostile(tag).slice(0, 60);
  const args = Array.from({ length: int(5) }, () => hostile(tag));
  const prompt = hostile(tag) + randomText(200);
  const fuzzEnv = hostile(tag);
  const output = hostile(tag).replace(/[\r\n]/g, " ");
  const rec = join(dir, "rec");
  const notified = join(dir, "notified");
  const r = await cli(
    [
      "run",
      "cmd",
      "--name",
      name,
      "--cwd",
      cwd,
      "--prompt-file",
      "-",
      "--env",
      `FUZZ=${fuzzEnv}`,
      "--notify-cmd",
      `timeout 5 sh -c 'printf "%s" "$AGENTMUX_DIAGNOSIS" > "$0"; cat > "$0.json"' ${notified}`,
      "--",
      agent,
      ...args,
    ],
    { input: prompt, env: { REC: rec, OUTPUT_LINE: output } },
  );
  let valid = true;
  try {
    m.validateName(name);
  } catch {
    valid = false;
  }
  if (!valid) {
    if (r.code !== 0) real.refused++;
    else {
      real.mismatches++;
      note("bad-name-accepted", name);
    }
    return;
  }
  if (r.code !== 0) {
    real.mismatches++;
    note("run-failed", r.stderr);
    return;
  }
  real.runs++;
  const deadline = Date.now() + 30_000;
  let diag = null;
  while (Date.now() < deadline) {
    if (existsSync(`${notified}.json`)) {
      try {
        JSON.parse(readFileSync(`${notified}.json`, "utf8"));
        diag = readFileSync(notified, "utf8");
        break;
      } catch {
        // still being written
      }
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  const status = JSON.parse((await cli(["status", name, "--json"])).stdout);
  const want = m.templateVars({
    ...status,
    durationMs: 0,
    commits: 0,
    uncommitted: 0,
    runId: 0,
    logPath: "",
    verdict: null,
  }).diagnosis;
  const gotArgv = existsSync(`${rec}.argv`) ? splitNul(readFileSync(`${rec}.argv`)) : null;
  const checks = [
    JSON.stringify(gotArgv) === JSON.stringify([String(args.length), ...args]),
    existsSync(`${rec}.cwd`) && readFileSync(`${rec}.cwd`, "utf8") === `${realpathSync(cwd)}\n`,
    existsSync(`${rec}.fuzzenv`) && readFileSync(`${rec}.fuzzenv`, "utf8") === fuzzEnv,
    existsSync(`${rec}.prompt`) && readFileSync(`${rec}.prompt`, "utf8") === prompt,
    JSON.stringify(status.argv) === JSON.stringify([agent, ...args]),
    diag !== null && diag === want,
  ];
  if (checks.some((c) => !c)) {
    real.mismatches++;
    note("real-mismatch", `${name}: ${JSON.stringify(checks)}`);
  }
}
const t1 = Date.now();
await pool(N_REAL, Math.min(JOBS, 4), realOne);
const realMs = Date.now() - t1;
try {
  execFileSync("tmux", ["-S", socket, "kill-server"], { stdio: "ignore" });
} catch {
  // no server was started
}

const canaryHits = readdirSync(canaries).length;
if (opt.control) {
  const control = join(tmp, "control");
  mkdirSync(control);
  for (let i = 0; i < 20; i++) {
    const text = hostile(`c${i}`).replaceAll(canaries, control);
    try {
      // The mistake agentmux never makes: agent text inside a shell string.
      execFileSync("sh", ["-c", `echo ${text}`], { stdio: "ignore", timeout: 5000 });
    } catch {
      // a syntax error is fine: only executions count
    }
  }
  report("fuzz.control_canaries", { value: readdirSync(control).length, expect: ">0" });
}
report("fuzz.inputs", {
  value: N_PURE + N_REAL,
  pure: N_PURE,
  realTmux: N_REAL,
  seed: Number(opt.seed),
});
report("fuzz.canary_executions", { value: canaryHits, target: 0 });
report("fuzz.mismatched_bytes", {
  value: counts.mismatches + real.mismatches,
  pure: counts.mismatches,
  realTmux: real.mismatches,
  target: 0,
});
report("fuzz.argv_leaks", { value: counts.argvLeaks, target: 0 });
report("fuzz.validation_bypasses", {
  value: counts.bypasses,
  refused: counts.refusedAsExpected,
  target: 0,
});
report("fuzz.delivery_failures", { value: counts.deliveryFailures, deliveries: counts.deliveries });
report("fuzz.real_tmux", { runs: real.runs, refusedNames: real.refused, ms: realMs });
report("fuzz.pure_ms", { value: pureMs });
if (examples.length > 0) console.error(JSON.stringify(examples, null, 2));
rmSync(tmp, { recursive: true, force: true });
const bad =
  canaryHits +
  counts.mismatches +
  real.mismatches +
  counts.argvLeaks +
  counts.bypasses +
  counts.deliveryFailures;
process.exit(bad === 0 ? 0 : 1);
