import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { run, type RunOptions } from "./run.js";

const savedTmp = process.env.TMPDIR;
afterEach(() => {
  vi.restoreAllMocks();
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

/** This process's open descriptors: a capture file left open would show here. */
const openFds = (): number => readdirSync("/proc/self/fd").length;

const MODES: RunOptions["output"][] = ["pipe", "file"];

describe.each(MODES)("run(), output %s", (output) => {
  it("stdout, stderr and the exit code, as written; no file left, no descriptor open", async () => {
    const tmp = tempDir();
    process.env.TMPDIR = tmp;
    const before = openFds();
    const res = await run("sh", ["-c", "printf 'out\\n'; printf 'err\\n' >&2; exit 3"], { output });
    expect(res).toMatchObject({ exitCode: 3, signal: null, stdout: "out\n", stderr: "err\n" });
    expect(res.timedOut).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
    expect(openFds()).toBe(before);
  });

  it("a large output arrives whole, multi-byte characters intact", async () => {
    const res = await run(
      "perl",
      ["-e", "binmode STDOUT, ':utf8'; print qq(\\x{2026}) x 400000; print STDERR 'e' x 100000"],
      { output },
    );
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toBe("\u2026".repeat(400_000));
    expect(res.stderr).toBe("e".repeat(100_000));
  });

  it("stdin input still goes to the child", async () => {
    const res = await run("cat", [], { output, input: "hello" });
    expect(res.stdout).toBe("hello");
  });

  it("a command that cannot start: spawnError, no descriptor left open", async () => {
    const before = openFds();
    const res = await run("/nonexistent/agentmux-no-such-command", [], { output });
    expect(res.spawnError?.code).toBe("ENOENT");
    expect(openFds()).toBe(before);
  });

  it("a child past its deadline is stopped, with what it wrote so far", async () => {
    const res = await run("sh", ["-c", "echo started; exec sleep 30"], {
      output,
      timeoutMs: 200,
      killGraceMs: 200,
    });
    expect(res.timedOut).toBe(true);
    expect(res.signal).toBe("SIGTERM");
    expect(res.stdout).toBe("started\n");
  });
});

describe("run(), output file", () => {
  it("the output is complete at the child's exit: what it left running is not waited for", async () => {
    // With pipes, run() would wait for the background sleep, which holds stdout.
    const res = await run("sh", ["-c", "sleep 30 & echo $!"], { output: "file" });
    const pid = Number(res.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    let alive = true;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      alive = false;
    }
    expect(alive).toBe(true);
  });

  it("a temp name that exists is someone else's: left alone, and pipes are used", async () => {
    const tmp = tempDir();
    process.env.TMPDIR = tmp;
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const theirs = join(tmp, `agentmux-out-${process.pid}-0.5`);
    writeFileSync(theirs, "not ours");
    const res = await run("sh", ["-c", "echo fine"], { output: "file" });
    expect(res.stdout).toBe("fine\n");
    expect(readFileSync(theirs, "utf8")).toBe("not ours");
  });

  it("falls back to pipes when no temp file can be made", async () => {
    process.env.TMPDIR = "/nonexistent/agentmux-no-tmp";
    const before = openFds();
    const res = await run("sh", ["-c", "echo fine"], { output: "file" });
    expect(res.stdout).toBe("fine\n");
    expect(openFds()).toBe(before);
  });
});
