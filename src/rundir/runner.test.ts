import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_AGENT, waitFor } from "../../test/helpers/cli.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { readExit, readStarted, writeRunDir } from "../sessions/rundir.js";
import { runFile } from "./files.js";

/**
 * runner/runner.pl on its own: no tmux, no node finisher. The supervisor is
 * started the way tmux starts it (perl runner.pl RUNDIR NODE MAIN_JS) with
 * the fake agent, and "NODE MAIN_JS" is a shell script that notes it ran
 * (`_finish RUNDIR`), so what is checked is exactly what runner.pl records.
 */
const RUNNER = fileURLToPath(new URL("../../runner/runner.pl", import.meta.url));

interface Supervisor {
  proc: ChildProcess;
  runDir: string;
  finished: string;
  exited: Promise<number | null>;
}

const started: Supervisor[] = [];

afterEach(() => {
  // Whatever a failed test left running: the supervisor by pid, the agent by its group.
  for (const s of started.splice(0)) {
    const rec = readStarted(s.runDir);
    if (rec) tryKill(-rec.agentPid, "SIGKILL");
    if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill("SIGKILL");
  }
});

function tryKill(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

function supervise(steps: string[], graceSeconds = 5, argv?: string[]): Supervisor {
  const dir = tempDir("agentmux-runner-");
  const runDir = join(dir, "runs", "1");
  const finished = join(dir, "finisher-ran");
  const finisher = join(dir, "finisher.sh");
  writeFileSync(finisher, `printf '%s %s' "$1" "$2" > '${finished}'\n`);
  writeRunDir(runDir, {
    argv: argv ?? ["/bin/sh", FAKE_AGENT, ...steps],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    cwd: dir,
    stdin: "null",
    graceSeconds,
  });
  const proc = spawn("perl", [RUNNER, runDir, "/bin/sh", finisher], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const s = { proc, runDir, finished, exited };
  started.push(s);
  return s;
}

/** Whether the process has SIGTERM (15) in its ignored set, from /proc. */
function ignoresTerm(pid: number): boolean {
  const hex = /^SigIgn:\s*([0-9a-f]+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return hex !== undefined && (BigInt(`0x${hex}`) & (1n << 14n)) !== 0n;
}

/** The agent's process group ends (its last members, killed with it, are reaped by init). */
const groupGone = (pgid: number) =>
  waitFor(`process group ${pgid} to end`, () => !tryKill(-pgid, 0), 10_000);

const startedRecord = (s: Supervisor) =>
  waitFor("the supervisor's started record", () => readStarted(s.runDir));

async function ended(s: Supervisor) {
  await s.exited;
  const exit = readExit(s.runDir);
  // After recording, the supervisor hands over to the finisher with the run directory.
  expect(readFileSync(s.finished, "utf8")).toBe(`_finish ${s.runDir}`);
  return exit;
}

describe("runner.pl records how the agent ended", () => {
  it.each([0, 1, 137])("exit code %d (137 is a code here, not SIGKILL)", async (code) => {
    const s = supervise([`exit:${code}`]);
    expect(await ended(s)).toMatchObject({ exitCode: code, signal: null, reason: null });
  });

  it("writes started: its own pid and the agent's, with start ticks", async () => {
    const s = supervise(["exit:0"]);
    await s.exited;
    const rec = readStarted(s.runDir);
    expect(rec?.runnerPid).toBe(s.proc.pid);
    expect(rec?.agentPid).toBeGreaterThan(0);
    expect(rec?.agentStart).toMatch(/^\d+$/);
    expect(readFileSync(runFile(s.runDir, "exit"), "utf8")).toBe("0 - -\n");
  });

  it("an agent that kills itself with SIGSEGV", async () => {
    const s = supervise(["signal:SEGV"]);
    expect(await ended(s)).toMatchObject({ exitCode: null, signal: "SIGSEGV", reason: null });
  });

  it("an agent killed from outside with SIGKILL", async () => {
    const s = supervise(["hang"]);
    const rec = await startedRecord(s);
    process.kill(rec.agentPid, "SIGKILL");
    expect(await ended(s)).toMatchObject({ exitCode: null, signal: "SIGKILL", reason: null });
  });

  it("a nonexistent agent: exit 127 and exec-error says why", async () => {
    // Written before the supervisor starts: it reads argv at once.
    const s = supervise([], 5, ["/nonexistent/agent"]);
    const exit = await ended(s);
    expect(exit).toMatchObject({ exitCode: 127, signal: null });
    expect(readFileSync(runFile(s.runDir, "exec-error"), "utf8")).toContain("/nonexistent/agent");
  });
});

describe("runner.pl stops the agent's whole group when it is told to", () => {
  it("SIGHUP (the pane or tmux server went away): TERM to the group, reason hangup", async () => {
    const s = supervise(["hang"]);
    const rec = await startedRecord(s);
    s.proc.kill("SIGHUP");
    expect(await ended(s)).toMatchObject({ exitCode: null, signal: "SIGTERM", reason: "hangup" });
    await groupGone(rec.agentPid);
  });

  it("SIGTERM (agentmux kill): TERM, then KILL after the grace for an agent that ignores TERM", async () => {
    const s = supervise(["ignore-term", "hang"], 1);
    const rec = await startedRecord(s);
    // The trap is set by the agent's first step; wait until it is in the hang loop.
    await waitFor("the agent to ignore TERM", () => ignoresTerm(rec.agentPid));
    s.proc.kill("SIGTERM");
    expect(await ended(s)).toMatchObject({
      exitCode: null,
      signal: "SIGKILL",
      reason: "terminated",
    });
    await groupGone(rec.agentPid);
  });
});
