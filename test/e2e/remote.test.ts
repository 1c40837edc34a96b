import { spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { FAKE_AGENT, MAIN_JS, World, waitFor } from "../helpers/cli.js";
import {
  asHostUser,
  createSimHosts,
  linkDown,
  linkUp,
  processesOf,
  simHostsUnavailable,
  sshdLogins,
  sshdSessions,
  startSshd,
  stopSshd,
  type SimHost,
  type SimWorld,
} from "../helpers/sim-hosts.mjs";

// Hosts simulated on this machine (network namespaces, an sshd and a user
// each). Needs root and sshd; in CI they are installed, so it never skips there.
const unavailable = simHostsUnavailable();
const skip = unavailable !== null && !process.env.CI;

interface Row {
  host: string;
  name: string;
  state: string;
  exitCode: number | null;
  verdict: string | null;
  cwd: string;
  run: number | null;
  diagnosis: { code: string } | null;
}

describe.skipIf(skip)(
  `remote hosts over ssh${skip ? ` (skipped: ${unavailable})` : ""}`,
  { timeout: 120_000 },
  () => {
    let sim: SimWorld;
    let h0: SimHost;
    let h1: SimHost;
    beforeAll(async () => {
      sim = await createSimHosts(2);
      [h0, h1] = sim.hosts as [SimHost, SimHost];
    }, 60_000);
    afterAll(async () => {
      await sim?.teardown();
    }, 60_000);

    /** A local world that knows both hosts; its shared connections end with it. */
    async function world(
      config: Record<string, unknown> = {},
    ): Promise<World & { remote: World["cli"] }> {
      const w = new World(config);
      const remote: World["cli"] = (args, opts = {}) =>
        w.cli(args, { ...opts, env: { ...sim.env, ...opts.env } });
      for (const h of sim.hosts) {
        const r = await remote(["host", "add", h.name, h.name]);
        expect(r.code, r.stderr).toBe(0);
      }
      onTestFinished(async () => {
        for (const h of sim.hosts) await remote(["host", "rm", h.name]);
      });
      return Object.assign(w, { remote });
    }

    const statusOn = async (
      w: { remote: World["cli"] },
      host: string,
      name: string,
    ): Promise<Row> => {
      const r = await w.remote(["status", name, "--host", host, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Row;
    };
    const waitState = (
      w: { remote: World["cli"] },
      host: string,
      name: string,
      ok: (s: Row) => boolean,
    ): Promise<Row> =>
      waitFor(
        `${name} on ${host}`,
        async () => {
          const s = await statusOn(w, host, name);
          return ok(s) ? s : null;
        },
        60_000,
      );
    const ended = (s: Row): boolean => !["starting", "running"].includes(s.state);

    it("host check finds agentmux, tmux, git and perl; host ls lists the hosts", async () => {
      const w = await world();
      const r = await w.remote(["host", "check", "h0", "--json"]);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const check = JSON.parse(r.stdout) as { ok: boolean; items: { name: string; ok: boolean }[] };
      expect(check.items.map((i) => [i.name, i.ok])).toEqual([
        ["ssh", true],
        ["agentmux", true],
        ["tmux", true],
        ["git", true],
        ["perl", true],
      ]);
      const ls = await w.remote(["host", "ls", "--json"]);
      expect((JSON.parse(ls.stdout) as { name: string }[]).map((h) => h.name)).toEqual([
        "h0",
        "h1",
      ]);
      // A host whose agentmux is elsewhere: the problem and what to do.
      await w.remote(["host", "add", "nope", "h0", "--agentmux", "/nonexistent/agentmux"]);
      const bad = await w.remote(["host", "check", "nope"]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/FAIL\s+agentmux/);
      expect(bad.stdout).toMatch(/fix: install agentmux there/);
      const status = await w.remote(["status", "x", "--host", "nope"]);
      expect(status.code).toBe(1);
      expect(status.stderr).toMatch(/agentmux was not found on host nope/);
    });

    it("run, status, tail, verify, kill and restart on a remote host", async () => {
      const w = await world();
      asHostUser(h0, ["git", "init", "-q", "-b", "main", `${h0.home}/repo`]);
      asHostUser(h0, [
        "git",
        "-C",
        `${h0.home}/repo`,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "base",
      ]);
      const run = await w.remote([
        "run",
        "cmd",
        "--host",
        "h0",
        "--name",
        "work",
        "--cwd",
        "repo",
        "--",
        "sh",
        "-c",
        "echo remote-output; echo x > f.txt; git add f.txt; git commit -qm work",
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/started work \(cmd\) on h0/);
      // wait --host blocks there until the run ends, and answers with its status.
      const waited = await w.remote(["wait", "work", "--host", "h0", "--timeout", "30s", "--json"]);
      expect(waited.code, waited.stderr).toBe(0);
      expect(waited.stdout).toContain('"succeeded"');
      const s = await waitState(w, "h0", "work", ended);
      expect(s).toMatchObject({ state: "succeeded", exitCode: 0, verdict: "verified" });
      expect(s.cwd).toBe(`${h0.home}/repo`);
      const tail = await w.remote(["tail", "work", "--host", "h0"]);
      expect(tail.stdout).toContain("remote-output");
      const verify = await w.remote(["verify", "work", "--host", "h0", "--json"]);
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.stdout).toContain("verified");
      for (const cmd of [
        ["heartbeat", "--json"],
        ["doctor", "--json"],
      ]) {
        const r = await w.remote([...cmd, "--host", "h0"]);
        expect(r.stdout.length, `${cmd[0]}: ${r.stderr}`).toBeGreaterThan(2);
        expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
      }
      // The host's own agentmux has it too: the same store, not a copy.
      const there = JSON.parse(asHostUser(h0, ["agentmux", "status", "work", "--json"])) as Row;
      expect(there.state).toBe("succeeded");

      const long = await w.remote([
        "run",
        "cmd",
        "--host",
        "h0",
        "--name",
        "long",
        "--cwd",
        "proj",
        "--",
        "sleep",
        "300",
      ]);
      expect(long.code, long.stderr).toBe(0);
      await waitState(w, "h0", "long", (x) => x.state === "running");
      // attach: a terminal over ssh -t, the session named by its id there, never by its name.
      const attach = await w.remote(["attach", "long", "--host", "h0", "--json"]);
      expect(attach.code, attach.stderr).toBe(0);
      const argv = (JSON.parse(attach.stdout) as { argv: string[] }).argv;
      expect(argv.slice(-7, -2)).toEqual(["-t", "--", "h0", "agentmux", "_remote"]);
      expect(argv.slice(-2)[0]).toBe("--attach");
      expect(argv.at(-1)).toMatch(/^\d+$/);
      const kill = await w.remote(["kill", "long", "--host", "h0"]);
      expect(kill.code, kill.stderr).toBe(0);
      expect((await waitState(w, "h0", "long", ended)).state).toBe("killed");
      const restart = await w.remote(["restart", "long", "--host", "h0", "--json"]);
      expect(restart.code, restart.stderr).toBe(0);
      const again = await waitState(w, "h0", "long", (x) => x.state === "running");
      expect(again.run).toBe(2);
      await w.remote(["kill", "long", "--host", "h0"]);
      await waitState(w, "h0", "long", ended);
      const rm = await w.remote(["rm", "long", "--host", "h0"]);
      expect(rm.code, rm.stderr).toBe(0);
      const gone = await w.remote(["status", "long", "--host", "h0"]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/No session named "long"/);
    });

    it("loop --host works a PRD there, verified with git there", async () => {
      const w = await world();
      const repo = `${h0.home}/loop-repo`;
      asHostUser(h0, ["git", "init", "-q", "-b", "main", repo]);
      asHostUser(h0, ["sh", "-c", `printf '# PRD\\n\\n- [ ] Add the parser\\n' > ${repo}/PRD.md`]);
      asHostUser(h0, ["git", "-C", repo, "add", "PRD.md"]);
      asHostUser(h0, ["git", "-C", repo, "commit", "-q", "-m", "prd"]);
      const r = await w.remote([
        "loop",
        "--host",
        "h0",
        "--agent",
        "cmd",
        "--name",
        "lp",
        "--cwd",
        "loop-repo",
        "--",
        FAKE_AGENT,
        "write:parser.ts=export {}",
        "tick:parser",
        "commit:Add the parser",
      ]);
      expect(r.code, r.stderr).toBe(0);
      const s = await waitState(w, "h0", "lp", ended);
      expect(s.state, JSON.stringify(s)).toBe("succeeded");
      const st = (await statusOn(w, "h0", "lp")) as Row & {
        loop?: { done: number; total: number };
      };
      expect(st.loop).toMatchObject({ done: 1, total: 1 });
    });

    it("tail -f streams while the remote run writes, and ends with it", async () => {
      const w = await world();
      const gate = `${h0.home}/proj/gate-${Date.now()}`;
      await w.remote([
        "run",
        "cmd",
        "--host",
        "h0",
        "--name",
        "stream",
        "--cwd",
        "proj",
        "--",
        "sh",
        "-c",
        `echo first; while [ ! -e ${gate} ]; do sleep 0.05; done; echo second`,
      ]);
      const child = spawn(process.execPath, [MAIN_JS, "tail", "stream", "-f", "--host", "h0"], {
        env: { ...w.env, ...sim.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      onTestFinished(() => {
        if (child.exitCode === null) child.kill("SIGKILL");
      });
      let out = "";
      child.stdout.on("data", (b: Buffer) => (out += b.toString()));
      const exited = new Promise<number | null>((r) => child.on("close", (c) => r(c)));
      await waitFor("the first line, streamed", () => out.includes("first"));
      expect(out).not.toContain("second");
      asHostUser(h0, ["touch", gate]);
      expect(await exited).toBe(0);
      expect(out).toContain("second");
    });

    it("ls --all-hosts lists both hosts' sessions with their host", async () => {
      const w = await world();
      for (const h of ["h0", "h1"]) {
        const r = await w.remote([
          "run",
          "cmd",
          "--host",
          h,
          "--name",
          `on-${h}`,
          "--cwd",
          "proj",
          "--",
          "true",
        ]);
        expect(r.code, r.stderr).toBe(0);
      }
      const r = await w.remote(["ls", "--all-hosts", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const all = JSON.parse(r.stdout) as {
        hosts: { host: string; reachable: boolean }[];
        sessions: Row[];
      };
      expect(all.hosts.map((h) => [h.host, h.reachable])).toEqual([
        ["local", true],
        ["h0", true],
        ["h1", true],
      ]);
      const names = all.sessions.map((s) => `${s.host}:${s.name}`);
      expect(names).toContain("h0:on-h0");
      expect(names).toContain("h1:on-h1");
      const table = await w.remote(["ls", "--all-hosts"]);
      expect(table.stdout).toMatch(/^HOST\s+NAME/);
      expect(table.stdout).toMatch(/^h1\s+on-h1/m);
    });

    it("hostile prompts, paths and names cross ssh byte for byte and run nothing", async () => {
      const w = await world();
      const pwned = join(sim.dir, `pwned-${Date.now()}`);
      const hostile = [
        `$(touch ${pwned})`,
        `\`touch ${pwned}\``,
        `'; touch ${pwned}; '`,
        `"; touch ${pwned}; "`,
        "a\nb\tc \\ * ? ~ #x",
        "--json",
        "ünïcødé 🚀",
      ];
      const dir = `we ird $(touch ${pwned}) 'q' "d"`;
      asHostUser(h0, ["mkdir", "-p", `${h0.home}/${dir}`]);
      const r = await w.remote([
        "run",
        "cmd",
        "--host",
        "h0",
        "--name",
        "hostile",
        "--cwd",
        dir,
        "--",
        "printf",
        "[%s]\\n",
        ...hostile,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const s = await waitState(w, "h0", "hostile", ended);
      expect(s.cwd).toBe(`${h0.home}/${dir}`);
      const tail = await w.remote(["tail", "hostile", "--host", "h0"]);
      for (const h of hostile) {
        expect(tail.stdout.replace(/\r\n/g, "\n")).toContain(`[${h}]`);
      }
      expect(existsSync(pwned)).toBe(false);
      // A hostile session name is refused there exactly as here.
      const bad = await w.remote(["status", "$(touch x)", "--host", "h0"]);
      const local = await w.cli(["status", "$(touch x)"]);
      expect(bad.code).toBe(local.code);
      expect(bad.stderr).toBe(local.stderr);
      // And a hostile host name or destination never reaches ssh.
      const option = await w.remote(["host", "add", "x", "-oProxyCommand=touch"]);
      expect(option.code).toBe(2);
      const badHost = await w.remote(["host", "add", "x", "h0;touch x"]);
      expect(badHost.code).toBe(1);
      expect(badHost.stderr).toMatch(/Expected an ssh destination/);
    });

    it("the shared connection is reused: one login for many calls", async () => {
      const w = await world();
      await w.remote(["ls", "--host", "h1"]); // the first call opens the shared connection
      const before = sshdLogins(h1);
      for (let i = 0; i < 5; i++) {
        const r = await w.remote(["ls", "--host", "h1", "--json"]);
        expect(r.code, r.stderr).toBe(0);
      }
      expect(sshdLogins(h1)).toBe(before);
    });

    it("a remote run's end is notified here, through this machine's channels, with its host in the journal", async () => {
      const w = await world();
      const notes = join(w.root, "notes");
      const journal = join(w.root, "journal");
      const script = join(w.root, "notify.sh");
      // Argv placeholders are reduced to argv-safe characters ("@" becomes "_");
      // the exact name comes as $AGENTMUX_NAME, the event as JSON on stdin.
      writeFileSync(
        script,
        `#!/bin/sh\nprintf '%s | %s %s\\n' "$*" "$AGENTMUX_NAME" "$AGENTMUX_STATE" >> ${notes}\n`,
        { mode: 0o755 },
      );
      const watch = spawn(process.execPath, [MAIN_JS, "watch", "--json"], {
        env: { ...w.env, ...sim.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      watch.stdout.on("data", (b: Buffer) => (log += b.toString()));
      const watchExit = new Promise((r) => watch.on("close", r));
      onTestFinished(async () => {
        watch.kill("SIGTERM");
        await watchExit;
      });
      const gate = `${h0.home}/proj/notify-gate-${Date.now()}`;
      const r = await w.remote([
        "run",
        "cmd",
        "--host",
        "h0",
        "--name",
        "told",
        "--cwd",
        "proj",
        "--notify-cmd",
        `${script} {name} {state}`,
        "--journal",
        journal,
        "--",
        "sh",
        "-c",
        `while [ ! -e ${gate} ]; do sleep 0.05; done`,
      ]);
      expect(r.code, r.stderr).toBe(0);
      await waitFor("the event channel", () => log.includes("h0: event channel up"));
      asHostUser(h0, ["touch", gate]);
      const line = await waitFor("the notification", () =>
        existsSync(notes) ? readFileSync(notes, "utf8") : null,
      );
      expect(line.trim()).toBe("told_h0 succeeded | told@h0 succeeded");
      const day = readdirSync(journal).find((f) => f.endsWith(".md")) ?? "";
      const text = readFileSync(join(journal, day), "utf8");
      expect(text).toMatch(/told on h0/);
      expect(text).toContain("agentmux:told@h0#1");
      // The host's own channels were not used: the run there has none.
      const there = JSON.parse(asHostUser(h0, ["agentmux", "status", "told", "--json"])) as Row;
      expect(there.state).toBe("succeeded");
    });

    it("a remote run's notification that fails is retried through the outbox and delivered once", async () => {
      // No coalescing window: the retry is due after the first backoff (5 s) alone.
      const w = await world({ notify: { coalesceSeconds: 0 } });
      const notes = join(w.root, "notes");
      const journal = join(w.root, "journal");
      const failedOnce = join(w.root, "failed-once");
      const script = join(w.root, "flaky-notify.sh");
      // Fails the first time (a gateway restarting), delivers after that.
      writeFileSync(
        script,
        `#!/bin/sh\nif [ ! -e ${failedOnce} ]; then : > ${failedOnce}; echo 'gateway down' >&2; exit 1; fi\nprintf '%s %s\\n' "$AGENTMUX_NAME" "$AGENTMUX_STATE" >> ${notes}\n`,
        { mode: 0o755 },
      );
      const watch = spawn(process.execPath, [MAIN_JS, "watch", "--json"], {
        env: { ...w.env, ...sim.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      watch.stdout.on("data", (b: Buffer) => (log += b.toString()));
      const watchExit = new Promise((r) => watch.on("close", r));
      onTestFinished(async () => {
        watch.kill("SIGTERM");
        await watchExit;
      });
      const r = await w.remote([
        "run",
        "cmd",
        "--host",
        "h1",
        "--name",
        "flaky",
        "--cwd",
        "proj",
        "--notify-cmd",
        `${script} {name}`,
        "--journal",
        journal,
        "--",
        "true",
      ]);
      expect(r.code, r.stderr).toBe(0);
      await waitFor("the failed first delivery", () =>
        /h1: flaky: command notification failed \(retried at/.test(log),
      );
      expect(existsSync(failedOnce)).toBe(true);
      // The first retry is due 5 s later (notify/retry.ts); watch's timer sends it.
      const delivered = await waitFor(
        "the retried delivery",
        () => (existsSync(notes) ? readFileSync(notes, "utf8") : null),
        30_000,
      );
      expect(delivered).toBe("flaky@h1 succeeded\n");
      const day = readdirSync(journal).find((f) => f.endsWith(".md")) ?? "";
      const text = readFileSync(join(journal, day), "utf8");
      expect(text).toMatch(/flaky on h1/);
      expect(text).toContain("agentmux:flaky@h1#1");
      // Once: nothing is left pending, and a later pass sends nothing again.
      const hb = await w.cli(["heartbeat", "--json"]);
      expect(hb.code, hb.stderr).toBe(0);
      expect(readFileSync(notes, "utf8")).toBe("flaky@h1 succeeded\n");
    });

    it("the concurrency limit counts the account's runs on every host: a --host start and a local one wait for the slot", async () => {
      // One cmd run at a time for the whole account, by this machine's config.
      const w = await world({ limits: { cmd: { concurrency: 1 } } });
      const gateA = `${h0.home}/proj/slot-a-${Date.now()}`;
      const gateB = `${h1.home}/proj/slot-b-${Date.now()}`;
      const first = await w.remote([
        "run",
        "cmd",
        "--host",
        "h0",
        "--name",
        "holder",
        "--cwd",
        "proj",
        "--",
        "sh",
        "-c",
        `while [ ! -e ${gateA} ]; do sleep 0.05; done`,
      ]);
      expect(first.code, first.stderr).toBe(0);
      /** A CLI call whose stderr can be watched while it runs. */
      const background = (args: string[]) => {
        const p = spawn(process.execPath, [MAIN_JS, ...args], {
          env: { ...w.env, ...sim.env },
          stdio: ["ignore", "pipe", "pipe"],
        });
        const io = { stdout: "", stderr: "" };
        p.stdout.on("data", (b: Buffer) => (io.stdout += b.toString()));
        p.stderr.on("data", (b: Buffer) => (io.stderr += b.toString()));
        const code = new Promise<number | null>((r) => p.on("close", r));
        onTestFinished(async () => {
          if (p.exitCode === null) p.kill("SIGTERM");
          await code;
        });
        return { io, code };
      };
      const second = background([
        "run",
        "cmd",
        "--host",
        "h1",
        "--name",
        "second",
        "--cwd",
        "proj",
        "--",
        "sh",
        "-c",
        `while [ ! -e ${gateB} ]; do sleep 0.05; done`,
      ]);
      const said = await waitFor("the --host start to wait", () =>
        /second waits: 1 cmd runs are live \(limit 1; h0: 1, h1: 0\)/.exec(second.io.stderr),
      );
      expect(said).not.toBeNull();
      // Still waiting: nothing was started on h1.
      const none = await w.remote(["ls", "--host", "h1", "--json"]);
      expect((JSON.parse(none.stdout) as Row[]).map((s) => s.name)).not.toContain("second");
      asHostUser(h0, ["touch", gateA]);
      expect(await second.code, second.io.stderr).toBe(0);
      expect(second.io.stdout).toMatch(/started second \(cmd\) on h1/);
      expect((await statusOn(w, "h1", "second")).state).toMatch(/starting|running/);
      // A local start counts the run on h1 the same way.
      const local = background(["run", "cmd", "--name", "mine", "--cwd", w.root, "--", "true"]);
      await waitFor("the local start to wait", () =>
        /mine waits: 1 cmd runs are live \(limit 1; h0: 0, h1: 1\)/.test(local.io.stderr),
      );
      asHostUser(h1, ["touch", gateB]);
      expect(await local.code, local.io.stderr).toBe(0);
      expect(local.io.stdout).toMatch(/mine/);
      // A restart sent to a host takes its slot here too (the agent asked of the host).
      await waitState(w, "h1", "second", ended);
      const gateC = join(w.root, `slot-c-${Date.now()}`);
      const holder = await w.cli([
        "run",
        "cmd",
        "--name",
        "local-holder",
        "--cwd",
        w.root,
        "--",
        "sh",
        "-c",
        `while [ ! -e ${gateC} ]; do sleep 0.05; done`,
      ]);
      expect(holder.code, holder.stderr).toBe(0);
      await w.waitStatus("local-holder", (s) => s.state === "running");
      const again = background(["restart", "second", "--host", "h1"]);
      await waitFor("the --host restart to wait", () =>
        /second waits: 1 cmd runs are live/.test(again.io.stderr),
      );
      writeFileSync(gateC, "");
      expect(await again.code, again.io.stderr).toBe(0);
      const restarted = await waitState(w, "h1", "second", (s) => s.run === 2 && ended(s));
      expect(restarted.state).toBe("succeeded");
    });

    it("a host that goes down mid-run shows unreachable, the run keeps going there, and the truth shows when it is back", async () => {
      const w = await world();
      const gate = `${h0.home}/proj/down-gate-${Date.now()}`;
      const r = await w.remote([
        "run",
        "cmd",
        "--host",
        "h0",
        "--name",
        "survivor",
        "--cwd",
        "proj",
        "--",
        "sh",
        "-c",
        `while [ ! -e ${gate} ]; do sleep 0.05; done; echo finished`,
      ]);
      expect(r.code, r.stderr).toBe(0);
      await waitState(w, "h0", "survivor", (s) => s.state === "running");

      // sshd stopped (listener and every connection it served).
      await stopSshd(h0);
      const down = await w.remote(["status", "survivor", "--host", "h0"]);
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(/host h0 \(h0\) is unreachable/);
      expect(down.stderr).toMatch(/hint: agentmux host check h0/);
      const t0 = Date.now();
      const all = await w.remote(["ls", "--all-hosts", "--json"]);
      const listed = JSON.parse(all.stdout) as { hosts: { host: string; reachable: boolean }[] };
      expect(listed.hosts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ host: "h0", reachable: false }),
          expect.objectContaining({ host: "h1", reachable: true }),
        ]),
      );
      expect(Date.now() - t0).toBeLessThan(15_000);
      // Meanwhile, on the host itself, the run goes on.
      const there = JSON.parse(asHostUser(h0, ["agentmux", "status", "survivor", "--json"])) as Row;
      expect(there.state).toBe("running");
      await startSshd(h0);
      expect((await statusOn(w, "h0", "survivor")).state).toBe("running");

      // The link goes down: the shared connection hangs, ls --all-hosts does not.
      linkDown(h0);
      try {
        const table = await w.remote(["ls", "--all-hosts"]);
        expect(table.stdout).toMatch(/^h0\s+-\s+-\s+unreachable/m);
        expect(table.stdout).not.toMatch(/^h1\s+-\s+-\s+unreachable/m);
      } finally {
        await linkUp(h0);
      }
      asHostUser(h0, ["touch", gate]);
      const s = await waitState(w, "h0", "survivor", ended);
      expect(s).toMatchObject({ state: "succeeded", exitCode: 0 });
    });
    it("a dropped event channel reconnects and reports the run that ended meanwhile", async () => {
      const w = await world();
      const notes = join(w.root, "notes");
      const script = join(w.root, "notify.sh");
      // Argv placeholders are reduced to argv-safe characters ("@" becomes "_");
      // the exact name comes as $AGENTMUX_NAME, the event as JSON on stdin.
      writeFileSync(
        script,
        `#!/bin/sh\nprintf '%s | %s %s\\n' "$*" "$AGENTMUX_NAME" "$AGENTMUX_STATE" >> ${notes}\n`,
        { mode: 0o755 },
      );
      const watch = spawn(process.execPath, [MAIN_JS, "watch", "--json"], {
        env: { ...w.env, ...sim.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      watch.stdout.on("data", (b: Buffer) => (log += b.toString()));
      const watchExit = new Promise((r) => watch.on("close", r));
      onTestFinished(async () => {
        watch.kill("SIGTERM");
        await watchExit;
      });
      const gate = `${h1.home}/proj/drop-gate-${Date.now()}`;
      const r = await w.remote([
        "run",
        "cmd",
        "--host",
        "h1",
        "--name",
        "meanwhile",
        "--cwd",
        "proj",
        "--notify-cmd",
        `${script} {name} {state}`,
        "--",
        "sh",
        "-c",
        `while [ ! -e ${gate} ]; do sleep 0.05; done`,
      ]);
      expect(r.code, r.stderr).toBe(0);
      await waitFor("the event channel", () => log.includes("h1: event channel up"));
      await stopSshd(h1);
      await waitFor("the channel to drop", () => log.includes("h1: event channel lost"));
      asHostUser(h1, ["touch", gate]); // the run ends while nobody listens
      const there = await waitFor("the run to end there", () => {
        const s = JSON.parse(asHostUser(h1, ["agentmux", "status", "meanwhile", "--json"])) as Row;
        return ended(s) ? s : null;
      });
      expect(there.state).toBe("succeeded");
      expect(existsSync(notes)).toBe(false);
      await startSshd(h1);
      const line = await waitFor(
        "the notification after the reconnect",
        () => (existsSync(notes) ? readFileSync(notes, "utf8") : null),
        60_000,
      );
      expect(line.trim()).toBe("meanwhile_h1 succeeded | meanwhile@h1 succeeded");
    });

    /** The host's resident servers (`agentmux _remote --serve`), by pid. */
    const servers = (h: SimHost): number[] =>
      processesOf(h, ["_remote", "--serve"]).map(([pid]) => pid);
    const serverSocket = (h: SimHost): string => `${h.home}/.local/state/agentmux/serve/s.sock`;
    /** A first call (the slow way) leaves the resident server running: wait until it listens. */
    const warmUp = async (w: { remote: World["cli"] }, h: SimHost): Promise<number> => {
      const r = await w.remote(["ls", "--host", h.name, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      return waitFor("the resident server", () => {
        const pids = servers(h);
        return pids.length === 1 && existsSync(serverSocket(h)) ? pids[0] : null;
      });
    };

    it("warm calls are answered by the host's resident server: no ssh session, no Node start there", async () => {
      const w = await world();
      const run = await w.remote([
        "run",
        "cmd",
        "--host",
        "h1",
        "--name",
        "quick",
        "--cwd",
        "proj",
        "--",
        "sh",
        "-c",
        "echo quick-output",
      ]);
      expect(run.code, run.stderr).toBe(0);
      const pid = await warmUp(w, h1);
      await waitState(w, "h1", "quick", ended);
      const sessions = sshdSessions(h1);
      const logins = sshdLogins(h1);
      for (let i = 0; i < 3; i++) {
        const s = await statusOn(w, "h1", "quick");
        expect(s).toMatchObject({ name: "quick", state: "succeeded", exitCode: 0 });
        const tail = await w.remote(["tail", "quick", "--host", "h1"]);
        expect(tail.stdout).toContain("quick-output");
        const ls = await w.remote(["ls", "--all-hosts", "--json"]);
        const names = (JSON.parse(ls.stdout) as { sessions: Row[] }).sessions.map(
          (x) => `${x.host}:${x.name}`,
        );
        expect(names).toContain("h1:quick");
      }
      // The same answer as the host's own agentmux gives.
      const there = JSON.parse(asHostUser(h1, ["agentmux", "status", "quick", "--json"])) as Row;
      expect(await statusOn(w, "h1", "quick")).toEqual(there);
      // An error is worded and coded as it is there.
      const missing = await w.remote(["status", "nope", "--host", "h1", "--json"]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/No session named "nope"/);
      expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: "not-found" } });
      expect(sshdSessions(h1)).toBe(sessions);
      expect(sshdLogins(h1)).toBe(logins);
      expect(servers(h1)).toEqual([pid]);
      // host rm ends it there: nothing of the fast path is left running.
      const rm = await w.remote(["host", "rm", "h1"]);
      expect(rm.code, rm.stderr).toBe(0);
      await waitFor("the resident server to leave", () => (servers(h1).length === 0 ? true : null));
      expect(existsSync(serverSocket(h1))).toBe(false);
      expect(processesOf(h1, ["_remote"])).toEqual([]);
    });

    it("a resident server killed mid-session: the next call still answers, and a new one takes over", async () => {
      const w = await world();
      const old = await warmUp(w, h1);
      process.kill(old, "SIGKILL");
      await waitFor("the server to die", () => (servers(h1).length === 0 ? true : null));
      // Its socket is left behind, the forward still listens here: neither is mistaken for an answer.
      expect(existsSync(serverSocket(h1))).toBe(true);
      const r = await w.remote(["ls", "--host", "h1", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
      const next = await waitFor("a new server", () => {
        const pids = servers(h1);
        return pids.length === 1 && pids[0] !== old ? pids[0] : null;
      });
      // Once it listens, calls are fast again (no new ssh session).
      await waitFor("the new server to listen", async () => {
        const before = sshdSessions(h1);
        const x = await w.remote(["ls", "--host", "h1", "--json"]);
        return x.code === 0 && sshdSessions(h1) === before ? true : null;
      });
      expect(servers(h1)).toEqual([next]);
    });

    it("an idle resident server leaves by itself; the next call starts another", async () => {
      const rc = join(h1.home, ".bashrc");
      const saved = readFileSync(rc, "utf8");
      onTestFinished(() => writeFileSync(rc, saved));
      writeFileSync(rc, `${saved}export AGENTMUX_SERVE_IDLE_MS=1000\n`);
      const w = await world();
      const pid = await warmUp(w, h1);
      await waitFor(
        "the idle server to leave",
        () => (servers(h1).length === 0 && !existsSync(serverSocket(h1)) ? true : null),
        30_000,
      );
      const log = readFileSync(join(h1.home, ".local/state/agentmux/serve/serve.log"), "utf8");
      expect(log).toContain(`resident server ${pid} leaves: idle`);
      const r = await w.remote(["status", "nope", "--host", "h1"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/No session named "nope"/);
    });

    it("a host whose agentmux has no resident server is asked the plain way", async () => {
      const w = await world();
      // An older agentmux there: it refuses op "serve" as it refuses any op it does not know.
      const old = join(h1.home, "bin", "old-agentmux");
      writeFileSync(
        old,
        [
          "#!/bin/sh",
          "IFS= read -r line",
          'case "$line" in',
          `  *'"op":"serve"'*) echo 'agentmux: Bad remote request: unknown op "serve"' >&2; exit 1 ;;`,
          "esac",
          'printf \'%s\\n\' "$line" | exec agentmux "$@"',
          "",
        ].join("\n"),
      );
      chmodSync(old, 0o755);
      chownSync(old, h1.uid, h1.uid);
      const add = await w.remote(["host", "add", "old", "h1", "--agentmux", "bin/old-agentmux"]);
      expect(add.code, add.stderr).toBe(0);
      for (let i = 0; i < 2; i++) {
        const before = sshdSessions(h1);
        const r = await w.remote(["ls", "--host", "old", "--json"]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toBe("");
        expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
        // The first call tried op "serve" once, then the plain way; the second goes straight there.
        expect(sshdSessions(h1) - before).toBe(i === 0 ? 2 : 1);
      }
      expect(servers(h1)).toEqual([]);
    });

    // Last: the pause it spreads holds on both hosts for the rest of this file.
    it("a rate limit on one host pauses that agent's launches on the others", async () => {
      // A cmd run's limit line is no provider account's: it pauses only where
      // the config says so (limits.cmd.pauseOnLimit), here and on the hosts.
      const limits = { limits: { cmd: { pauseOnLimit: true } } };
      for (const h of sim.hosts) {
        const file = join(h.home, "config.json");
        const cfg = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
        writeFileSync(file, JSON.stringify({ ...cfg, ...limits }));
      }
      const w = await world(limits);
      const watch = spawn(process.execPath, [MAIN_JS, "watch", "--json"], {
        env: { ...w.env, ...sim.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      watch.stdout.on("data", (b: Buffer) => (log += b.toString()));
      const watchExit = new Promise((r) => watch.on("close", r));
      onTestFinished(async () => {
        watch.kill("SIGTERM");
        await watchExit;
      });
      const r = await w.remote([
        "run",
        "cmd",
        "--host",
        "h0",
        "--name",
        "limited",
        "--cwd",
        "proj",
        "--",
        "sh",
        "-c",
        "echo 'Rate limit reached for organization org-test on requests per min (RPM). Please try again in 900s.'; exit 1",
      ]);
      expect(r.code, r.stderr).toBe(0);
      await waitFor("the pause to reach h1", () => log.includes("h1: cmd paused until"), 60_000);
      const refused = await w.remote([
        "run",
        "cmd",
        "--host",
        "h1",
        "--name",
        "later",
        "--cwd",
        "proj",
        "--no-queue",
        "--",
        "true",
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/cmd is paused until .*rate-limit hit by limited on h0/);
      // Without --no-queue a launch while paused is queued (the monitor starts it later).
      const here = await w.cli(["run", "cmd", "--name", "here", "--cwd", w.root, "--", "true"]);
      expect(here.code, here.stderr).toBe(0);
      expect(here.stdout).toMatch(/^queued here \(cmd\): .*cmd is paused until/m);
    });

    it("a limit hit on this machine pauses that account's --host starts too", async () => {
      const limits = { limits: { cmd: { pauseOnLimit: true } } };
      for (const h of sim.hosts) {
        const file = join(h.home, "config.json");
        const cfg = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
        writeFileSync(file, JSON.stringify({ ...cfg, ...limits }));
      }
      const w = await world(limits);
      // A long pause, so it outlasts (and, the later pause winning, names
      // itself over) any pause the host still holds from an earlier test.
      const hit = await w.cli([
        "run",
        "cmd",
        "--name",
        "hit-here",
        "--cwd",
        w.root,
        "--",
        "sh",
        "-c",
        "echo 'Rate limit reached for organization org-test on requests per min (RPM). Please try again in 5000s.'; exit 1",
      ]);
      expect(hit.code, hit.stderr).toBe(0);
      await w.waitStatus("hit-here", (s) => s.diagnosis?.code === "rate-limit");
      const refused = await w.remote([
        "run",
        "cmd",
        "--host",
        "h1",
        "--name",
        "blocked",
        "--cwd",
        "proj",
        "--no-queue",
        "--",
        "true",
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/cmd is paused until .*rate-limit hit by hit-here/);
    });
  },
);

describe("remote argv (no hosts needed)", () => {
  it("--host after -- belongs to the agent: the run stays local", async () => {
    const w = new World();
    mkdirSync(join(w.root, "d"));
    const r = await w.cli([
      "run",
      "cmd",
      "--name",
      "local-one",
      "--cwd",
      join(w.root, "d"),
      "--",
      "echo",
      "--host",
      "x",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = await w.waitEnded("local-one");
    expect(s.state).toBe("succeeded");
  });

  it("an unknown host is one clear error", async () => {
    const w = new World();
    const r = await w.cli(["status", "x", "--host", "nowhere"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No host named "nowhere"/);
    expect(r.stderr).toMatch(/hint: agentmux host ls/);
  });
});
