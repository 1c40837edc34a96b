import { chmodSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { openStore } from "../store/open.js";
import type { Store } from "../store/store.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { deliverPending, nextNotificationDue, queueNotifications } from "./outbox.js";
import { writeEnvFile } from "../rundir/env.js";
import { notifyEvent } from "./event.js";
import { mkdirSync } from "node:fs";
import { testSpec } from "../../test/helpers/spec.js";

/** A notification program that appends $AGENTMUX_SUMMARY, then a separator, to a file. */
function recorder(dir: string): { program: string; messages: () => string[] } {
  const log = join(dir, "messages.log");
  const program = join(dir, "notify.sh");
  writeFileSync(program, `#!/bin/sh\nprintf '%s\\n\\036\\n' "$AGENTMUX_SUMMARY" >> '${log}'\n`);
  chmodSync(program, 0o755);
  return {
    program,
    messages: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n\u001e\n")
            .filter((m) => m !== "")
        : [],
  };
}

function setup(): { store: Store; dir: string; addRun: (name: string, program: string) => number } {
  const dir = tempDir();
  const store = openStore(dir);
  onTestFinished(() => store.close());
  const addRun = (name: string, program: string): number => {
    const s = store.createSession({ name, kind: "agent", agent: "cmd", spec: testSpec() });
    const run = store.createRun(s.id, {
      state: "succeeded",
      runDir: join(dir, "no-such-run"),
      logPath: "",
      startedAt: new Date().toISOString(),
    });
    const text = `agentmux: ${name} succeeded (exit 0) after 1s`;
    store.addNotifications(run.id, [
      {
        channel: "command",
        target: program,
        payload: { argv: [program], text, env: { AGENTMUX_SUMMARY: text } },
      },
    ]);
    return run.id;
  };
  return { store, dir, addRun };
}

describe("deliverPending coalesces per destination", () => {
  it("20 sessions ending within a second: one message per window, all 20 summaries", async () => {
    const { store, dir, addRun } = setup();
    const rec = recorder(dir);
    let now = Date.parse("2025-06-01T12:00:00.000Z");
    const clock = (): number => now;
    // Each finisher records its row and delivers, one after another, 50 ms apart.
    const deferredCounts: number[] = [];
    for (let i = 0; i < 20; i++) {
      const runId = addRun(`s${i}`, rec.program);
      const r = await deliverPending(store, { runId, now: clock });
      deferredCounts.push(r.deferred);
      now += 50;
    }
    expect(rec.messages()).toHaveLength(1);
    expect(deferredCounts.at(-1)).toBe(19);
    expect(nextNotificationDue(store, { now })).toBe("2025-06-01T12:00:30.000Z");

    // A heartbeat inside the window sends nothing more.
    const early = await deliverPending(store, { now: clock });
    expect(early).toMatchObject({
      delivered: 0,
      deferred: 19,
      nextDueAt: "2025-06-01T12:00:30.000Z",
    });

    // After the window: one combined message with the other 19.
    now = Date.parse("2025-06-01T12:00:30.000Z");
    const late = await deliverPending(store, { now: clock });
    expect(late).toMatchObject({ delivered: 19, deferred: 0, nextDueAt: null });
    const msgs = rec.messages();
    expect(msgs).toHaveLength(2);
    expect(msgs[1]!.split("\n")[0]).toBe("agentmux: 19 sessions ended");
    const all = msgs.join("\n");
    for (let i = 0; i < 20; i++) {
      expect(all.split("\n").filter((l) => l.startsWith(`agentmux: s${i} succeeded`))).toHaveLength(
        1,
      );
    }
    expect(nextNotificationDue(store, { now })).toBeNull();
  });

  it("concurrent deliverers on separate connections never send a destination twice in a window", async () => {
    const { dir, addRun } = setup();
    const rec = recorder(dir);
    const ids = Array.from({ length: 10 }, (_, i) => addRun(`c${i}`, rec.program));
    const others = Array.from({ length: 4 }, () => openStore(dir));
    onTestFinished(() => others.forEach((s) => s.close()));
    const results = await Promise.all(
      ids.map((runId, i) => deliverPending(others[i % others.length]!, { runId })),
    );
    expect(results.reduce((n, r) => n + r.delivered, 0)).toBe(10);
    const msgs = rec.messages();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.split("\n")).toHaveLength(11);
  });

  it("different destinations do not wait for each other", async () => {
    const { store, dir, addRun } = setup();
    const a = recorder(join(dir));
    const bDir = tempDir();
    const b = recorder(bDir);
    await deliverPending(store, { runId: addRun("x", a.program) });
    await deliverPending(store, { runId: addRun("y", b.program) });
    expect(a.messages()).toHaveLength(1);
    expect(b.messages()).toHaveLength(1);
  });

  it("a failed combined delivery leaves every row pending for the next try", async () => {
    const { store, addRun } = setup();
    const missing = "/nonexistent/agentmux-notify";
    const r1 = addRun("f1", missing);
    addRun("f2", missing);
    const res = await deliverPending(store, { windowMs: 0, attempts: 1 });
    expect(res.failed).toHaveLength(2);
    const rows = store.listNotifications(r1);
    expect(rows[0]!.state).toBe("failed"); // a missing program is permanent
  });
});

describe("queueNotifications", () => {
  it("plans a session's notifications as pending rows; desktop 'auto' asks the run's own environment", async () => {
    const { store, dir } = setup();
    const rec = recorder(dir);
    // A notify-send on the run's PATH and a display in the run's environment, not this process's.
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "notify-send"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const runDir = join(dir, "run");
    mkdirSync(runDir);
    const spec = testSpec({
      notify: { commands: [[rec.program, "{name}"]], webhooks: [], desktop: "auto" },
    });
    const session = store.createSession({ name: "q1", kind: "agent", agent: "cmd", spec });
    const run = store.createRun(session.id, {
      state: "succeeded",
      runDir,
      logPath: "",
      startedAt: new Date().toISOString(),
    });
    const event = notifyEvent(session, run, {
      state: "succeeded",
      exitCode: 0,
      signal: null,
      durationMs: 1000,
      verdict: null,
      commits: 0,
      uncommitted: 0,
      diagnosis: { code: "success", summary: "ok" },
    });

    writeEnvFile(join(runDir, "env"), { PATH: bin });
    expect(queueNotifications(store, run, spec.notify, event).map((r) => r.channel)).toEqual([
      "command",
    ]);
    writeEnvFile(join(runDir, "env"), { PATH: bin, DISPLAY: ":9" });
    const rows = queueNotifications(store, run, spec.notify, event);
    expect(rows.map((r) => [r.channel, r.state])).toEqual([
      ["command", "pending"],
      ["desktop", "pending"],
    ]);
    // Queued, not sent: delivery is deliverPending's. The two command rows
    // share a destination and go out as one message; the desktop one on its own.
    expect(rec.messages()).toEqual([]);
    const sent = await deliverPending(store, { runId: run.id, windowMs: 0 });
    expect(sent).toMatchObject({ delivered: 3, failed: [], deferred: 0 });
    const [message] = rec.messages();
    expect(message?.split("\n")).toEqual([
      "agentmux: 2 sessions ended",
      "agentmux: q1 succeeded (exit 0) after 1s · 0 commits · 0 uncommitted",
      "agentmux: q1 succeeded (exit 0) after 1s · 0 commits · 0 uncommitted",
    ]);
  });
});
