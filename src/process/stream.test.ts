import { describe, expect, it } from "vitest";
import { run } from "./run.js";
import { spawnLines } from "./stream.js";
import { isRunning } from "./pids.js";

describe("spawnLines stop", () => {
  it("a child that exits when its stdin closes is not signalled", async () => {
    const lines: string[] = [];
    const p = spawnLines("sh", ["-c", "while read l; do echo got:$l; done; echo eof"], (l) =>
      lines.push(l),
    );
    p.write("a");
    await p.stop(5_000);
    expect(await p.exited).toBe(0);
    expect(lines).toEqual(["got:a", "eof"]);
  });

  it("escalates to TERM, then KILL, for a child that ignores both stdin and TERM", async () => {
    const lines: string[] = [];
    const p = spawnLines(
      "sh",
      ["-c", "trap 'echo term' TERM; echo ready; while :; do sleep 0.02; done"],
      (l) => lines.push(l),
    );
    await new Promise<void>((r) => {
      const t = setInterval(() => lines.includes("ready") && (clearInterval(t), r()), 10);
    });
    const pid = p.pid;
    await p.stop(150);
    expect(isRunning(pid ?? 0, null)).toBe(false);
    expect(await p.exited).toBeNull(); // killed by a signal
    expect(lines).toContain("term");
  });
});

describe("run with an abort signal", () => {
  it("ends a child that would wait forever, and reports the signal", async () => {
    const ac = new AbortController();
    const pending = run("sleep", ["1000"], { timeoutMs: 0, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const r = await pending;
    expect(r.signal).toBe("SIGTERM");
    expect(r.timedOut).toBe(false);
  });

  it("an already-aborted signal ends the child at once", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await run("sleep", ["1000"], { timeoutMs: 0, signal: ac.signal });
    expect(r.signal).toBe("SIGTERM");
  });

  it("KILLs a child that ignores TERM after the grace period", async () => {
    const ac = new AbortController();
    const pending = run("sh", ["-c", "trap '' TERM; echo up; while :; do sleep 0.02; done"], {
      timeoutMs: 0,
      killGraceMs: 100,
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(), 50);
    expect((await pending).signal).toBe("SIGKILL");
  });
});
