import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { writeBeat } from "../monitor/record.js";
import { isAlive } from "../process/pids.js";
import { openStore } from "../store/open.js";
import { privateTmuxSocket } from "../../test/helpers/tmux.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { runDoctor, type DoctorCheck } from "./doctor.js";
import { checkTmuxVersion } from "./tmux.js";
import { testSpec } from "../../test/helpers/spec.js";

const CODEX_HELP = fileURLToPath(
  new URL("../agents/fixtures/codex-exec-help-0.169.0.txt", import.meta.url),
);
const SCOPE = "0::/user.slice/user-1000.slice/session-2.scope\n";

function exe(dir: string, name: string, body: string): void {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

interface Setup {
  bin?: { codexLoginExit?: number; ralphy?: boolean; claude?: boolean; tmux?: string };
  config?: object;
  env?: NodeJS.ProcessEnv;
  cgroup?: string;
  socket?: string;
}

/** Temp HOME, state and config; fake agent CLIs first on PATH; a private socket. */
function world(s: Setup = {}) {
  const root = tempDir();
  const bin = join(root, "bin");
  mkdirSync(bin);
  exe(
    bin,
    "codex",
    [
      'case "$1 $2" in',
      `  "exec --help") cat '${CODEX_HELP}' ;;`,
      '  "--version ") echo "codex-cli 0.169.0" ;;',
      `  "login status") echo "Logged in using an API key - sk-secret-should-not-print"; exit ${s.bin?.codexLoginExit ?? 0} ;;`,
      "  *) exit 2 ;;",
      "esac",
    ].join("\n"),
  );
  if (s.bin?.claude !== false) exe(bin, "claude", 'echo "2.1.331 (Claude Code)"');
  if (s.bin?.ralphy) exe(bin, "ralphy", 'echo "4.7.2"');
  if (s.bin?.tmux !== undefined) exe(bin, "tmux", s.bin.tmux);
  const configPath = join(root, "config.json");
  writeFileSync(configPath, JSON.stringify(s.config ?? {}));
  const stateDir = join(root, "state");
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:/usr/bin:/bin`,
    HOME: join(root, "home"),
    AGENTMUX_CONFIG: configPath,
    IS_SANDBOX: "1",
    ...s.env,
  };
  const socket = s.socket ?? privateTmuxSocket();
  const run = (): Promise<DoctorCheck[]> =>
    runDoctor({
      env,
      stateDir,
      socket,
      socketFor: () => socket,
      readCgroup: () => s.cgroup ?? SCOPE,
    });
  return { root, stateDir, socket, env, run };
}

const byName = (checks: DoctorCheck[], name: string): DoctorCheck => {
  const c = checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check named ${name} in ${checks.map((x) => x.name).join(", ")}`);
  return c;
};

describe("agentmux doctor", () => {
  it("passes everything on a healthy machine, and never prints codex's login output", async () => {
    const checks = await world().run();
    const failed = checks.filter((c) => !c.ok);
    expect(failed).toEqual([]);
    expect(byName(checks, "codex").detail).toMatch(/^codex 0\.169\.0 at \/.*\/codex$/);
    expect(byName(checks, "claude").detail).toMatch(/^claude 2\.1\.331 at /);
    expect(byName(checks, "ralphy").detail).toMatch(/not installed/);
    expect(byName(checks, "codex login").detail).toBe("logged in");
    expect(byName(checks, "store").detail).toMatch(/no store yet/);
    expect(JSON.stringify(checks)).not.toContain("sk-secret");
  });

  it("reports each problem with its fix", async () => {
    const root = tempDir();
    writeFileSync(join(root, "a-file"), "");
    const w = world({
      bin: { codexLoginExit: 1, ralphy: true },
      cgroup: "0::/user.slice/user-1000.slice/user@1000.service/app.slice/gateway.service\n",
      config: {
        journalDir: join(root, "a-file", "notes"),
        agents: { codex: { args: ["--full-auto"] } },
      },
      env: { IS_SANDBOX: undefined },
    });
    mkdirSync(w.stateDir);
    writeFileSync(
      join(w.stateDir, "agentmux.db"),
      "this is not a database, but it is long enough to have a header.".repeat(20),
    );
    const checks = await w.run();

    expect(byName(checks, "codex login")).toMatchObject({
      ok: false,
      fix: expect.stringMatching(/^codex login/) as unknown,
    });
    expect(byName(checks, "codex")).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/rejects --full-auto/) as unknown,
    });
    expect(byName(checks, "ralphy")).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /ralphy 4\.7\.2 runs `codex exec --full-auto`, which codex 0\.169\.0 rejects/,
      ) as unknown,
    });
    if (process.getuid?.() === 0) {
      expect(byName(checks, "claude")).toMatchObject({
        ok: false,
        fix: expect.stringMatching(/IS_SANDBOX=1/) as unknown,
      });
    }
    expect(byName(checks, "server lifetime")).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/gateway\.service/) as unknown,
      fix: expect.stringContaining(
        `systemd-run --user --scope tmux -S ${w.socket} new -d`,
      ) as unknown,
    });
    expect(byName(checks, "store")).toMatchObject({
      ok: false,
      detail: expect.stringContaining(join(w.stateDir, "agentmux.db")) as unknown,
    });
    expect(byName(checks, "journal")).toMatchObject({ ok: false });
    for (const c of checks.filter((x) => !x.ok)) expect(c.fix).toBeTruthy();
  });

  it("finds a stale socket: the file is there, no server answers", async () => {
    const socket = privateTmuxSocket();
    execFileSync("tmux", ["-S", socket, "new-session", "-d", "-s", "x", "sleep", "600"]);
    const pid = Number(
      execFileSync("tmux", ["-S", socket, "display-message", "-p", "#{pid}"], {
        encoding: "utf8",
      }).trim(),
    );
    const running = await world({ socket }).run();
    expect(byName(running, "tmux server")).toMatchObject({
      ok: true,
      detail: expect.stringContaining(`pid ${pid}`) as unknown,
    });

    process.kill(pid, "SIGKILL"); // the server we just started, by its pid
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const stale = await world({ socket }).run();
    expect(byName(stale, "tmux server")).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/stale/) as unknown,
    });
  });

  it("says when the monitor should run and does not", async () => {
    const w = world();
    mkdirSync(w.stateDir);
    const store = openStore(w.stateDir);
    try {
      const s = store.createSession({
        name: "live",
        kind: "agent",
        agent: "cmd",
        spec: testSpec(),
      });
      store.createRun(s.id, {
        state: "running",
        runDir: "",
        logPath: "",
        startedAt: new Date().toISOString(),
      });
      const down = await w.run();
      expect(byName(down, "monitor")).toMatchObject({
        ok: false,
        fix: expect.stringMatching(/agentmux watch/) as unknown,
      });
      writeBeat(store, { startedAt: new Date().toISOString(), intervalMs: 30_000 });
      const up = await w.run();
      expect(byName(up, "monitor")).toMatchObject({
        ok: true,
        detail: expect.stringMatching(/is running/) as unknown,
      });
    } finally {
      store.close();
    }
  });

  it.each([
    ["tmux 3.3a", true],
    ["tmux 3.2", true],
    ["tmux next-3.6", true],
    ["tmux 3.1c", false],
    ["tmux 2.9", false],
  ])("tmux version %s -> ok %s", async (version, ok) => {
    const w = world({ bin: { tmux: `echo "${version}"` } });
    const c = await checkTmuxVersion({
      env: w.env,
      socket: w.socket,
      stateDir: w.stateDir,
      config: null,
    });
    expect(c.ok).toBe(ok);
  });

  it("a missing tmux is a problem with an install hint", async () => {
    const w = world();
    const c = await checkTmuxVersion({
      env: { ...w.env, PATH: "/nonexistent" },
      socket: w.socket,
      stateDir: w.stateDir,
      config: null,
    });
    expect(c).toMatchObject({ ok: false, fix: expect.stringMatching(/install tmux/) as unknown });
  });
});
