import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import * as api from "../../src/api/index.js";

/** The library's options for a test World: its socket, state dir and environment. */
function opts(w: World): api.ApiOptions {
  return { socket: w.socket, stateDir: w.stateDir, baseEnv: w.env };
}

/** A fake agent that prints, then waits until the test drops a file in `gate` (deterministic). */
function gated(gate: string, ...after: string[]): string[] {
  mkdirSync(gate, { recursive: true });
  return [
    FAKE_AGENT,
    "print:before the gate",
    `barrier:${gate}=2`,
    "print:after the gate",
    ...after,
  ];
}

const open = (gate: string): void => writeFileSync(join(gate, "open"), "");

describe("the library API (src/api) against a private tmux server and store", () => {
  it("run, events, wait and tail by offset follow one run from start to end", async () => {
    const w = new World();
    const repo = tempRepo();
    const gate = join(w.root, "gate");
    const o = opts(w);
    const started = await api.run({
      ...o,
      agent: "cmd",
      name: "job",
      cwd: repo,
      args: gated(gate),
    });
    expect(started).toMatchObject({ name: "job", agent: "cmd", run: 1 });

    const stream = api.events(o);
    // A short wait on a live run says so and leaves it running.
    const early = await api.wait({ ...o, name: "job", timeoutMs: 50 });
    expect(early.timedOut).toBe(true);
    expect(["starting", "running"]).toContain(early.status.state);

    const waiting = api.wait({ ...o, name: "job" });
    open(gate);
    const done = await waiting;
    expect(done.timedOut).toBe(false);
    expect(done.status).toMatchObject({ name: "job", state: "succeeded", exitCode: 0 });
    // The same object as status --json.
    const st = await api.status({ ...o, name: "job" });
    // (The pane dies a moment after the run settles: its finisher is still notifying.)
    const still = { tmux: null };
    expect({ ...done.status, ...still }).toEqual({ ...st, ...still });

    const seen: api.SessionEvent[] = [];
    for await (const e of stream) {
      seen.push(e);
      if (e.type === "run-ended") break;
    }
    const ended = seen.at(-1);
    expect(ended).toMatchObject({
      type: "run-ended",
      name: "job",
      state: "succeeded",
      exitCode: 0,
    });

    // Byte offsets: every line once, in order, then eof (lines longer than a chunk come in pieces).
    const lines: string[] = [];
    let offset = 0;
    for (let i = 0; i < 1000; i++) {
      const t = await api.tail({ ...o, name: "job", offset, maxBytes: 40 });
      lines.push(...t.lines);
      offset = t.nextOffset;
      if (t.eof) break;
    }
    expect(lines).toContain("before the gate");
    expect(lines.filter((l) => l === "after the gate")).toHaveLength(1);
    expect(lines.indexOf("before the gate")).toBeLessThan(lines.indexOf("after the gate"));
    const last = await api.tail({ ...o, name: "job", lines: 5 });
    expect(last.lines).toContain("after the gate");
  }, 60_000);

  it("validates inputs with the CLI's messages and names the bad value", async () => {
    const w = new World();
    const o = opts(w);
    await expect(api.run({ ...o, agent: "gemini" })).rejects.toThrow(
      /Expected an agent of codex, claude, ralphy, cmd, demo, got "gemini"/,
    );
    await expect(api.wait({ ...o, name: "nope" })).rejects.toMatchObject({
      code: "not-found",
      message: 'No session named "nope"',
    });
    await expect(
      api.loop({ ...o, agent: "demo", cwd: tempRepo(), maxIterations: "lots" }),
    ).rejects.toThrow(/--max-iterations: expected a whole number from 1 to 100000, got "lots"/);
    await expect(api.tail({ ...o, name: "" })).rejects.toThrow(/Expected a session name, got ""/);
  });

  it("agentmux wait: exit status by how the run ended; --json is status --json", async () => {
    const w = new World();
    const repo = tempRepo();
    const gate = join(w.root, "gate");
    await w.cli(["run", "cmd", "--name", "bad", "--cwd", repo, "--", ...gated(gate, "exit:3")]);
    const timedOut = await w.cli(["wait", "bad", "--timeout", "100ms", "--json"]);
    expect(timedOut.code).toBe(124);
    expect(JSON.parse(timedOut.stdout)).toMatchObject({ name: "bad" });
    open(gate);
    const failed = await w.cli(["wait", "bad", "--json"]);
    expect(failed.code).toBe(1);
    const waited = JSON.parse(failed.stdout) as Record<string, unknown>;
    const status = await w.json(["status", "bad"]);
    const still = { tmux: null };
    expect({ ...waited, ...still }).toEqual({ ...status, ...still });
    expect(waited).toMatchObject({ state: "failed", exitCode: 3 });
    // Already finished: at once, same answer.
    expect((await w.cli(["wait", "bad"])).code).toBe(1);

    const unknown = await w.cli(["wait", "nope"]);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr.split("\n")[0]).toBe('agentmux: No session named "nope"');

    await w.cli(["run", "cmd", "--name", "long", "--cwd", repo, "--", FAKE_AGENT, "hang"]);
    const waiting = w.cli(["wait", "long"]);
    expect((await w.cli(["kill", "long"])).code).toBe(0);
    expect((await waiting).code).toBe(4);
  }, 60_000);
});
