import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { git, tempRepo } from "../helpers/git.js";
import { isRunning } from "../../src/process/pids.js";

describe("agentmux run: launch, exit, evidence", () => {
  it("records a successful run with commits as verified, with the documented status fields", async () => {
    const w = new World();
    const repo = tempRepo();
    const r = await w.cli([
      "run",
      "cmd",
      "--name",
      "work",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      "print:working",
      "write:a.txt=hello",
      "commit:add a.txt",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("started work (cmd)");
    const s = await w.waitEnded("work");
    for (const key of [
      "name",
      "agent",
      "state",
      "exitCode",
      "signal",
      "pid",
      "cwd",
      "argv",
      "startedAt",
      "endedAt",
      "durationMs",
      "lastOutputAt",
      "runs",
      "logPath",
      "evidence",
      "diagnosis",
    ]) {
      expect(s).toHaveProperty(key);
    }
    expect(s).toMatchObject({
      name: "work",
      agent: "cmd",
      state: "succeeded",
      exitCode: 0,
      signal: null,
      cwd: repo,
      runs: 1,
      verdict: "verified",
    });
    expect(s.argv).toEqual([FAKE_AGENT, "print:working", "write:a.txt=hello", "commit:add a.txt"]);
    expect(s.evidence?.commits.map((c) => c.subject)).toEqual(["add a.txt"]);
    expect(s.evidence?.filesChanged).toEqual(["a.txt"]);
    expect(Date.parse(s.endedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
    expect(readFileSync(s.logPath, "utf8")).toContain("working");
  });

  it("says no-changes when the agent exits 0 having done nothing", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli([
      "run",
      "cmd",
      "--name",
      "lazy",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      "print:I read the files",
    ]);
    const s = await w.waitEnded("lazy");
    expect(s).toMatchObject({ state: "succeeded", verdict: "no-changes" });
  });

  it("says unverifiable outside a git repository, and failed on a non-zero exit", async () => {
    const w = new World();
    const dir = join(w.root, "plain");
    mkdirSync(dir);
    await w.cli(["run", "cmd", "--name", "plain", "--cwd", dir, "--", FAKE_AGENT, "write:x=1"]);
    await w.cli(["run", "cmd", "--name", "bad", "--cwd", dir, "--", FAKE_AGENT, "exit:3"]);
    expect(await w.waitEnded("plain")).toMatchObject({
      state: "succeeded",
      verdict: "unverifiable",
    });
    expect(await w.waitEnded("bad")).toMatchObject({
      state: "failed",
      exitCode: 3,
      verdict: "failed",
    });
  });

  it("keeps exit 137 and death by SIGKILL apart", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli(["run", "cmd", "--name", "code137", "--cwd", repo, "--", FAKE_AGENT, "exit:137"]);
    await w.cli([
      "run",
      "cmd",
      "--name",
      "sigkill",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      "signal:KILL",
    ]);
    expect(await w.waitEnded("code137")).toMatchObject({
      state: "failed",
      exitCode: 137,
      signal: null,
    });
    expect(await w.waitEnded("sigkill")).toMatchObject({
      state: "failed",
      exitCode: null,
      signal: "SIGKILL",
    });
  });

  it("gives the agent the caller's environment plus AGENTMUX_SESSION and AGENTMUX_RUN, not the tmux server's", async () => {
    const w = new World();
    const repo = tempRepo();
    const out = join(w.root, "out");
    mkdirSync(out);
    const r = await w.cli(
      [
        "run",
        "cmd",
        "--name",
        "envy",
        "--cwd",
        repo,
        "--env",
        "EXTRA=from flag",
        "--",
        FAKE_AGENT,
        `env:CALLER_ONLY=${out}/caller`,
        `env:EXTRA=${out}/extra`,
        `env:AGENTMUX_SESSION=${out}/session`,
        `env:AGENTMUX_RUN=${out}/run`,
      ],
      { env: { CALLER_ONLY: "secret value $(x)" } },
    );
    expect(r.code).toBe(0);
    await w.waitEnded("envy");
    expect(readFileSync(join(out, "caller"), "utf8")).toBe("secret value $(x)");
    expect(readFileSync(join(out, "extra"), "utf8")).toBe("from flag");
    expect(readFileSync(join(out, "session"), "utf8")).toBe("envy");
    expect(readFileSync(join(out, "run"), "utf8")).toMatch(/^\d+$/);
    // Values never reach argv (visible in /proc) or the log.
    const s = await w.json<{ argv: string[]; logPath: string }>(["status", "envy"]);
    expect(JSON.stringify(s.argv)).not.toContain("secret value");
    expect(readFileSync(s.logPath, "utf8")).not.toContain("secret value");
  });
});

describe("bad input", () => {
  it.each([
    [["run", "cmd", "--name", "a b", "--", "true"], /"a b"/],
    [["run", "cmd", "--name", "#(touch x)", "--", "true"], /"#\(touch x\)"/],
    [["run", "gemini", "task"], /got "gemini"/],
    [
      ["run", "cmd", "--cwd", "/nonexistent/dir", "--", "true"],
      /"\/nonexistent\/dir" is not an existing directory/,
    ],
    [["run", "cmd", "--", "definitely-not-a-command-xyz"], /definitely-not-a-command-xyz/],
    [["run", "cmd", "--env", "1BAD=x", "--", "true"], /"1BAD"/],
    [["status", "nope"], /No session named "nope"/],
    [["run", "cmd", "--bogus", "--", "true"], /bogus/],
  ])("%j fails with one clear line and records nothing", async (args, message) => {
    const w = new World();
    const r = await w.cli(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split("\n")[0]).toMatch(/^agentmux: /);
    const ls = await w.json<unknown[]>(["ls"]);
    expect(ls).toEqual([]);
  });

  it("refuses a second session with the name of a running one, and keeps the first", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli(["run", "cmd", "--name", "busy", "--cwd", repo, "--", FAKE_AGENT, "hang"]);
    await w.waitStatus("busy", (s) => s.state === "running");
    const r = await w.cli(["run", "cmd", "--name", "busy", "--cwd", repo, "--", "true"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('A session named "busy" is running');
    expect((await w.json(["status", "busy"])).state).toBe("running");
    await w.cli(["kill", "busy"]);
  });
});

describe("kill, lost, restart, rm", () => {
  it("kill ends an agent that ignores TERM (TERM, grace, KILL) and records killed", async () => {
    const w = new World();
    const repo = tempRepo();
    const pidFile = join(w.root, "agent.pid");
    await w.cli([
      "run",
      "cmd",
      "--name",
      "stubborn",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      `pidfile:${pidFile}`,
      "ignore-term",
      "hang",
    ]);
    await waitFor("agent pid file", () => existsSync(pidFile));
    const r = await w.cli(["kill", "stubborn", "--json"]);
    expect(r.code).toBe(0);
    const s = await w.waitEnded("stubborn");
    expect(s).toMatchObject({ state: "killed", signal: "SIGKILL" });
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(() => process.kill(pid, 0)).toThrow();
    // The output stays readable after the kill.
    expect((await w.cli(["tail", "stubborn"])).code).toBe(0);
  });

  it("shows lost when the supervisor is killed with SIGKILL, and restart ends the orphan first", async () => {
    const w = new World();
    const repo = tempRepo();
    const pidFile = join(w.root, "agent.pid");
    await w.cli([
      "run",
      "cmd",
      "--name",
      "victim",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      `append:${pidFile}=pid`,
      // Whether the kernel's hangup reaches the agent when its supervisor dies
      // depends on whether tmux reaped the pane in time; an agent deaf to it
      // is the orphan this test is about.
      "ignore-term",
      "hang",
    ]);
    const running = await w.waitStatus("victim", (s) => s.state === "running" && s.pid !== null);
    process.kill(running.pid as number, "SIGKILL");
    const s = await w.waitStatus("victim", (x) => x.state === "lost");
    expect(s.diagnosis?.code).toBe("lost");
    expect(s.endReason).toBe("runner-killed");
    const orphan = s.agentPid as number;
    expect(() => process.kill(orphan, 0)).not.toThrow();
    // The orphaned agent is still running; restart must not start a second one beside it.
    const r = await w.cli(["restart", "victim"]);
    expect(r.code).toBe(0);
    // Gone, or a zombie waiting for its new parent to reap it: either way, ended.
    expect(isRunning(orphan)).toBe(false);
    const again = await w.waitStatus("victim", (x) => x.runs === 2 && x.state === "running");
    expect(again.agentPid).not.toBe(orphan);
    await w.cli(["kill", "victim"]);
  });

  it("restart runs the same argv, env and prompt as a new run; rm and rm --purge remove it", async () => {
    const w = new World();
    const repo = tempRepo();
    const out = join(w.root, "prompt-copy");
    await w.cli([
      "run",
      "cmd",
      "same prompt\n",
      "--name",
      "again",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      `append:${out}=ran`,
    ]);
    await w.waitEnded("again");
    const r = await w.cli(["restart", "again"]);
    expect(r.code).toBe(0);
    const s = await w.waitStatus("again", (x) => x.runs === 2 && x.state === "succeeded");
    expect(s.argv).toEqual([FAKE_AGENT, `append:${out}=ran`]);
    expect(readFileSync(out, "utf8")).toBe("ran\nran\n");
    expect((await w.cli(["rm", "again"])).code).toBe(0);
    expect(await w.json<unknown[]>(["ls"])).toEqual([]);
    expect((await w.json<{ name: string }[]>(["ls", "--all"])).map((x) => x.name)).toEqual([
      "again",
    ]);
  });

  it("rm refuses a running session", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli(["run", "cmd", "--name", "live", "--cwd", repo, "--", FAKE_AGENT, "hang"]);
    await w.waitStatus("live", (s) => s.state === "running");
    const r = await w.cli(["rm", "live"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("agentmux kill live");
    await w.cli(["kill", "live"]);
  });
});

describe("ls", () => {
  it("lists sessions it did not start as foreign and never touches them", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli(["run", "cmd", "--name", "mine", "--cwd", repo, "--", FAKE_AGENT, "exit:0"]);
    const { execFileSync } = await import("node:child_process");
    execFileSync("tmux", ["-S", w.socket, "new-session", "-d", "-s", "by hand", "sleep", "600"]);
    await w.waitEnded("mine");
    const ls = await w.json<{ name: string; foreign: boolean; state: string }[]>(["ls"]);
    expect(ls.map((s) => [s.name, s.foreign, s.state])).toEqual([
      ["mine", false, "succeeded"],
      ["by hand", true, "foreign"],
    ]);
    const human = await w.cli(["ls"]);
    expect(human.stdout).toMatch(/by hand\s+-\s+foreign/);
  });
});

describe("git evidence details", () => {
  it("reports uncommitted work left behind", async () => {
    const w = new World();
    const repo = tempRepo();
    writeFileSync(join(repo, "notes.md"), "x\n");
    git(repo, "add", "notes.md");
    git(repo, "commit", "-qm", "notes");
    await w.cli([
      "run",
      "cmd",
      "--name",
      "messy",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      "write:wip.txt=half done",
    ]);
    const s = await w.waitEnded("messy");
    expect(s.verdict).toBe("verified");
    expect(s.evidence?.commits).toEqual([]);
    expect(s.evidence?.uncommitted).toEqual(["wip.txt"]);
  });
});

describe("tail and attach", () => {
  it("tail -f follows the output until the run ends; attach --json names the exact tmux target", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli([
      "run",
      "cmd",
      "--name",
      "chatty",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      "print:first",
      "sleep:1",
      "print:\u001b[32msecond\u001b[0m",
      "exit:4",
    ]);
    const r = await w.cli(["tail", "chatty", "-f", "-n", "5"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("first");
    expect(r.stdout).toContain("second");
    expect(r.stdout).not.toContain("\u001b[32m");
    expect(r.stderr).toContain("chatty failed");
    const tail = await w.json<{ lines: string[]; state: string }>(["tail", "chatty"]);
    expect(tail.state).toBe("failed");
    expect(tail.lines).toContain("second");
    const attach = await w.json<{ argv: string[] }>(["attach", "chatty"]);
    expect(attach.argv).toEqual(["tmux", "-u", "-S", w.socket, "attach-session", "-t", "=chatty"]);
  });
});
