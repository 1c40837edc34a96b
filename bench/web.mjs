// Dashboard benchmarks (`agentmux web`). One private world (state dir, config,
// tmux socket), one `agentmux web` child and one headless chromium (Debian's,
// driven by playwright-core); everything is stopped by pid or socket at the end.
//
//   import { benchWeb } from "./web.mjs";  await benchWeb(report);
//   node bench/web.mjs [cpu] [list] [terminal] [render]   (standalone: prints the JSON lines)
//
// Metrics:
//   web_output_to_terminal_ms  a byte the agent prints -> visible in the page's terminal
//   web_run_end_to_list_ms     a run ends -> its row's state changes in the open list
//   web_first_render_ms        the list page with 500 sessions: navigation -> all rows drawn
//   web_server_cpu_percent     the server with 100 idle sessions: one browser watching, none
import { execFile, execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = join(root, "dist", "bin", "main.js");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x) => Math.round(x * 100) / 100;
const TICKS_PER_SECOND = 100; // Linux USER_HZ
const CHROMIUM = [
  process.env.AGENTMUX_CHROMIUM,
  "/usr/lib/chromium/chromium",
  "/usr/bin/chromium",
].find((p) => p && existsSync(p));

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function until(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** utime+stime of a process and its children (live and reaped), in ticks. */
function cpuTicks(pid) {
  const fields = (p) => {
    const s = readFileSync(`/proc/${p}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  };
  const f = fields(pid);
  let ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const c = fields(name);
      if (Number(c[1]) === pid) ticks += Number(c[11]) + Number(c[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

export async function benchWeb(report, parts = ["cpu", "list", "terminal", "render"]) {
  if (!CHROMIUM) {
    report("web_skipped", { reason: "no chromium (apt-get install chromium)" });
    return;
  }
  const { chromium } = await import("playwright-core");
  const tmp = mkdtempSync(join(tmpdir(), "agentmux-bench-web-"));
  const home = join(tmp, "home");
  mkdirSync(home);
  const env = {
    ...process.env,
    HOME: home,
    AGENTMUX_HOME: join(tmp, "state"),
    AGENTMUX_SOCKET: join(tmp, "tmux.sock"),
    AGENTMUX_CONFIG: join(tmp, "config.json"),
  };
  delete env.TMUX;
  writeFileSync(
    env.AGENTMUX_CONFIG,
    JSON.stringify({ killGraceSeconds: 1, notify: { desktop: false }, monitor: false }),
  );
  const cli = (args) =>
    new Promise((resolve, reject) =>
      execFile(
        process.execPath,
        [MAIN, ...args],
        { env, maxBuffer: 64 << 20 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`agentmux ${args.join(" ")}: ${stderr}`)) : resolve(stdout),
      ),
    );
  const launch = async (names, argv) => {
    for (let i = 0; i < names.length; i += 8) {
      await Promise.all(
        names
          .slice(i, i + 8)
          .map((n) => cli(["run", "cmd", "--name", n, "--cwd", tmp, "--", ...argv(n)])),
      );
    }
  };
  let server;
  let browser;
  try {
    server = spawn(process.execPath, [MAIN, "web", "--port", "0", "--json"], {
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    server.stdout.on("data", (d) => (out += d));
    const { url, pid } = await until("agentmux web", () =>
      out.includes("\n") ? JSON.parse(out.split("\n")[0]) : null,
    );
    const origin = url.slice(0, url.indexOf("/#"));
    const token = url.slice(url.indexOf("#token=") + 7);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });

    // 100 idle sessions (running, silent).
    await launch(
      Array.from({ length: 100 }, (_, i) => `idle-${i}`),
      () => ["sleep", "100000"],
    );

    // Server CPU: no browser, then one browser watching the list.
    const cpuOver = async (seconds) => {
      const a = cpuTicks(pid);
      const t0 = performance.now();
      await sleep(seconds * 1000);
      const wall = (performance.now() - t0) / 1000;
      return round((100 * (cpuTicks(pid) - a)) / TICKS_PER_SECOND / wall);
    };
    const seconds = 30;
    const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const list = await ctx.newPage();
    if (parts.includes("cpu")) {
      const noBrowser = await cpuOver(seconds);
      await list.goto(`${origin}/#token=${token}`);
      await list.waitForSelector('li[data-name="idle-0"]');
      await sleep(3000); // the first list and the page's start-up are not idle cost
      const watching = await cpuOver(seconds);
      report("web_server_cpu_percent", {
        sessions: 100,
        seconds,
        no_browser: noBrowser,
        one_browser: watching,
        target: "<= 1",
      });
    }
    await list.goto(`${origin}/#token=${token}`);
    await list.waitForSelector('li[data-name="idle-0"]');

    // A run ends -> the open list shows it. Each session waits on its own fifo;
    // writing to it is the moment the agent exits.
    const rounds = parts.includes("list") ? 15 : 0;
    const enders = Array.from({ length: rounds }, (_, i) => `end-${i}`);
    for (const n of enders) execFileSync("mkfifo", [join(tmp, n)]);
    await launch(enders, (n) => ["/bin/sh", "-c", 'read line < "$0"', join(tmp, n)]);
    for (const n of enders)
      await list.waitForSelector(`li[data-name="${n}"][data-state="running"]`, { timeout: 60_000 });
    // The store commit that settles the run, seen from here: the run's state
    // read from the database every 2 ms.
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(join(env.AGENTMUX_HOME, "agentmux.db"), { readonly: true });
    const stateOf = db.prepare(
      "SELECT r.state FROM runs r JOIN sessions s ON s.id = r.session_id WHERE s.name = ? ORDER BY r.run_no DESC LIMIT 1",
    );
    const settled = (name) =>
      new Promise((resolve) => {
        const timer = setInterval(() => {
          if (stateOf.get(name)?.state !== "running") {
            clearInterval(timer);
            resolve(Date.now());
          }
        }, 2);
      });
    const exitMs = [];
    const storeMs = [];
    for (const n of enders) {
      const seen = list.evaluate(
        (name) =>
          new Promise((resolve) => {
            const done = () => {
              const li = document.querySelector(`li[data-name="${name}"]`);
              return li && li.getAttribute("data-state") !== "running";
            };
            const obs = new MutationObserver(() => {
              if (done()) {
                obs.disconnect();
                resolve(Date.now());
              }
            });
            obs.observe(document.body, { subtree: true, childList: true, attributes: true });
          }),
        n,
      );
      await sleep(50); // the observer is in place
      const t0 = Date.now();
      const stored = settled(n);
      writeFileSync(join(tmp, n), "go\n");
      const shown = await seen;
      exitMs.push(shown - t0);
      storeMs.push(shown - (await stored));
      await sleep(200);
    }
    db.close();
    if (rounds > 0)
      report("web_run_end_to_list_ms", {
        sessions: 100 + rounds,
        rounds,
        // From the commit that settles the run (what the dashboard reacts to).
        p50: round(percentile(storeMs, 50)),
        p95: round(percentile(storeMs, 95)),
        // From the agent's exit: adds the finisher (node start, git evidence, verdict).
        from_exit_p50: round(percentile(exitMs, 50)),
        target_p50: 250,
      });

    // Output byte -> terminal: the agent echoes each line written to its fifo.
    if (parts.includes("terminal")) {
      const fifo = join(tmp, "echo.fifo");
      execFileSync("mkfifo", [fifo]);
      await cli([
        "run",
        "cmd",
        "--name",
        "echo",
        "--cwd",
        tmp,
        "--",
        "/bin/sh",
        "-c",
        'exec 3<>"$0"; while IFS= read -r l <&3; do printf "%s\\n" "$l"; done',
        fifo,
      ]);
      const term = await ctx.newPage();
      await term.goto(`${origin}/s/echo#token=${token}`);
      await term.waitForSelector('#terminal[data-ready="1"]');
      const termMs = [];
      for (let i = 0; i < 30; i++) {
        const mark = `mark-${i}-${Math.random().toString(36).slice(2, 8)}`;
        const seen = term.evaluate(
          (m) =>
            new Promise((resolve) => {
              const rows = document.querySelector("#terminal .xterm-rows");
              const obs = new MutationObserver(() => {
                if (rows.textContent.includes(m)) {
                  obs.disconnect();
                  resolve(Date.now());
                }
              });
              obs.observe(rows, { subtree: true, childList: true, characterData: true });
            }),
          mark,
        );
        await sleep(50);
        const t0 = Date.now();
        writeFileSync(fifo, `${mark}\n`);
        termMs.push((await seen) - t0);
        await sleep(100);
      }
      report("web_output_to_terminal_ms", {
        rounds: termMs.length,
        p50: round(percentile(termMs, 50)),
        p95: round(percentile(termMs, 95)),
        target_p50: 250,
      });
      await term.close();
    }
    await list.close();

    // 500 sessions: first render of the list.
    if (parts.includes("render")) {
      const more = 500 - JSON.parse(await cli(["ls", "--json"])).length;
      await launch(
        Array.from({ length: more }, (_, i) => `done-${i}`),
        () => ["true"],
      );
      await until(
        "500 sessions listed",
        async () => JSON.parse(await cli(["ls", "--json"])).length >= 500,
        300_000,
      );
      const renders = [];
      const received = [];
      for (let i = 0; i < 5; i++) {
        const page = await ctx.newPage();
        await page.goto(`${origin}/#token=${token}`);
        // The page marks when its first list arrived and when it was drawn (after the paint).
        const marks = await until("the list drawn", () =>
          page.evaluate(() => {
            const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
            const drawn = at("agentmux:list-rendered");
            return drawn === undefined ? null : { drawn, received: at("agentmux:list-received") };
          }),
        );
        if ((await page.locator("li.session").count()) < 500)
          throw new Error("the list has fewer than 500 rows");
        renders.push(marks.drawn);
        received.push(marks.received);
        await page.close();
      }
      report("web_first_render_ms", {
        sessions: 500,
        runs: renders.length,
        // From the start of navigation to the list drawn.
        p50: round(percentile(renders, 50)),
        max: round(Math.max(...renders)),
        // ... of which until the list's data arrived (page load + the server's ls).
        received_p50: round(percentile(received, 50)),
        target: "<= 1000",
      });
    }
  } finally {
    await browser?.close();
    if (server?.pid) {
      server.kill("SIGTERM");
      await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
    }
    try {
      execFileSync("tmux", ["-S", env.AGENTMUX_SOCKET, "kill-server"], { stdio: "ignore" });
    } catch {
      // no server left
    }
    // Supervisors whose panes just went away still write their exit records.
    const mentioning = () =>
      readdirSync("/proc").filter((p) => {
        try {
          return /^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, "utf8").includes(tmp);
        } catch {
          return false;
        }
      });
    await until("the supervisors to leave", () => mentioning().length === 0, 30_000).catch(
      () => undefined,
    );
    rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const parts = process.argv.slice(2);
  await benchWeb(
    (metric, fields) =>
      console.log(JSON.stringify({ metric, ...fields, at: new Date().toISOString() })),
    ...(parts.length > 0 ? [parts] : []),
  );
}
