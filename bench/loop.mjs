// Loop overhead per item, agentmux vs ralphy 4.7.2, with the same trivial
// fake `claude` on PATH (it writes a file and commits it, then prints a
// stream-json result, which is all either tool needs).
//
// Overhead per item is measured as a marginal cost, so fixed costs (tmux,
// start-up, the final notification) cancel out:
//   ((T(big) - T(small)) - (A(big) - A(small))) / (big - small)
// where T(n) is the wall time of a whole loop over n items and A(n) the time
// the fake agent alone takes for n runs. agentmux runs with a check command
// (`true`), so evidence and the check are included; ralphy has no check.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FAKE_CLAUDE = `#!/bin/sh
# bench fake claude: one file, one commit, one stream-json result
n=$(ls work-*.txt 2>/dev/null | wc -l)
echo "w$n" > "work-$n.txt"
git add "work-$n.txt" && git commit -qm "work item $n" || exit 1
printf '%s\\n' '{"type":"result","subtype":"success","is_error":false,"result":"done","usage":{"input_tokens":1,"output_tokens":1}}'
`;

const ralphyBin = () =>
  [process.env.AGENTMUX_RALPHY_BIN, "/tmp/agents/cur/node_modules/.bin/ralphy"].find(
    (p) => p && existsSync(p),
  ) ??
  (spawnSync("sh", ["-c", "command -v ralphy"], { encoding: "utf8" }).stdout.trim() || null);

function makeRepo(dir, items, env) {
  mkdirSync(dir, { recursive: true });
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  const lines = ["# Bench plan", ""];
  for (let i = 1; i <= items; i++) lines.push(`- [ ] bench item number ${i}`);
  writeFileSync(join(dir, "PRD.md"), `${lines.join("\n")}\n`);
  execFileSync("git", ["-C", dir, "add", "."], { env });
  execFileSync("git", ["-C", dir, "commit", "-qm", "plan"], { env });
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function agentAlone(dir, n, env) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++)
    execFileSync(join(env.BENCH_BIN, "claude"), [], { cwd: dir, env, stdio: "ignore" });
  return ms(t0);
}

function ralphyLoop(bin, dir, env) {
  const t0 = process.hrtime.bigint();
  execFileSync(bin, ["--claude", "--prd", "PRD.md"], {
    cwd: dir,
    env,
    stdio: "ignore",
    timeout: 300_000,
  });
  return ms(t0);
}

async function agentmuxLoop(ctx, dir, name, env) {
  const stamp = join(dir, "..", `${name}.end`);
  const startedMs = Date.now(); // epoch ms, like the stamp's `date +%s%N` / 1e6
  await ctx.cli(
    [
      "loop",
      "--prd",
      "PRD.md",
      "--agent",
      "claude",
      "--cwd",
      dir,
      "--name",
      name,
      "--check",
      "true",
      "--no-desktop",
      "--notify-cmd",
      `${join(env.BENCH_BIN, "stamp")} ${stamp}`,
    ],
    { env },
  );
  const deadline = Date.now() + 300_000;
  while (!existsSync(stamp) || readFileSync(stamp, "utf8").trim() === "") {
    if (Date.now() > deadline) throw new Error(`loop ${name} did not finish`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const endedMs = Number(readFileSync(stamp, "utf8").trim()) / 1e6;
  const s = JSON.parse((await ctx.cli(["status", name, "--json"], { env })).stdout);
  if (s.loop?.done !== s.loop?.total)
    throw new Error(`loop ${name}: ${s.loop?.done}/${s.loop?.total} done`);
  return endedMs - startedMs;
}

export async function benchLoopOverhead(ctx, { small = 4, big = 24, trials = 3 } = {}) {
  const bin = join(ctx.tmp, "loop-bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "claude"), FAKE_CLAUDE);
  // The notification command stamps the wall clock (ns) the moment the loop has finished.
  writeFileSync(join(bin, "stamp"), `#!/bin/sh\ndate +%s%N > "$1"\n`);
  chmodSync(join(bin, "claude"), 0o755);
  chmodSync(join(bin, "stamp"), 0o755);
  const env = { ...ctx.env, PATH: `${bin}:${process.env.PATH}`, BENCH_BIN: bin, IS_SANDBOX: "1" };
  const ralphy = ralphyBin();
  const per = { agentmux: [], ralphy: [] };
  for (let t = 0; t < trials; t++) {
    const A = {};
    for (const n of [small, big]) {
      const d = join(ctx.tmp, `alone-${t}-${n}`);
      makeRepo(d, n, env);
      A[n] = agentAlone(d, n, env);
    }
    const T = {};
    for (const n of [small, big]) {
      const d = join(ctx.tmp, `am-${t}-${n}`, "repo");
      makeRepo(d, n, env);
      T[n] = await agentmuxLoop(ctx, d, `bench-loop-${t}-${n}`, env);
    }
    per.agentmux.push((T[big] - T[small] - (A[big] - A[small])) / (big - small));
    if (ralphy) {
      const R = {};
      for (const n of [small, big]) {
        const d = join(ctx.tmp, `ralphy-${t}-${n}`);
        makeRepo(d, n, env);
        R[n] = ralphyLoop(ralphy, d, env);
      }
      per.ralphy.push((R[big] - R[small] - (A[big] - A[small])) / (big - small));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const am = median(per.agentmux);
  const rl = ralphy ? median(per.ralphy) : null;
  const round = (x) => Math.round(x * 100) / 100;
  ctx.report("loop_overhead_per_item_ms", {
    agentmux_ms: round(am),
    ralphy_ms: rl === null ? null : round(rl),
    ratio: rl === null ? null : round(am / rl),
    target_ratio: 0.5,
    items: `${small}→${big}`,
    trials,
    samples: { agentmux: per.agentmux.map(round), ralphy: per.ralphy.map(round) },
    ...(ralphy ? {} : { note: "ralphy not found (set AGENTMUX_RALPHY_BIN)" }),
  });
}
