import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

interface NoteJson {
  channel: string;
  target: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

/** A loopback webhook that answers `status()` and notes when each POST came. */
async function hook(
  status: () => number,
): Promise<{ url: string; posts: () => number; times: () => number[] }> {
  const times: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      times.push(Date.now());
      res.statusCode = status();
      res.end(res.statusCode === 200 ? "ok" : "boom");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/secret-token`,
    posts: () => times.length,
    times: () => [...times],
  };
}

describe("notification delivery: retries with backoff and a bound, visible everywhere", () => {
  it("retries a failing webhook with backoff (no burst), gives up after the bound, and notify retry sends it", async () => {
    let answer = 500;
    const h = await hook(() => answer);
    // No coalescing window, so only the retry backoff spaces the attempts.
    const w = new World({ notify: { desktop: false, coalesceSeconds: 0 } });
    const r = await w.cli([
      "run",
      "cmd",
      "--name",
      "hooked",
      "--cwd",
      tempRepo(),
      "--webhook",
      h.url,
      "--",
      FAKE_AGENT,
      "exit:0",
    ]);
    expect(r.code, r.stderr).toBe(0);
    await w.waitEnded("hooked");
    // One POST per attempt. The finisher retries on its own after the
    // backoff, so a read counts only if no POST came while it was made.
    const first = await waitFor("the first failed attempt", async () => {
      const postsBefore = h.posts();
      const s = await w.json<{ notifications: NoteJson[] }>(["status", "hooked"]);
      const n = s.notifications[0];
      const settled = h.posts() === postsBefore && n?.attempts === postsBefore;
      return n && n.attempts >= 1 && n.state === "pending" && n.lastError !== null && settled
        ? n
        : null;
    });
    expect(first).toMatchObject({
      channel: "webhook",
      target: `${new URL(h.url).origin}/…`,
    });
    expect(first.lastError).toMatch(/HTTP 500/);
    expect(first.nextAttemptAt).not.toBeNull();
    // A heartbeat before the next attempt is due sends nothing: no flood.
    const postsBefore = h.posts();
    const hb = JSON.parse((await w.cli(["heartbeat", "--json"])).stdout) as {
      notifications: { delivered: number; failed: unknown[]; retrying: unknown[] };
    };
    if (Date.now() < Date.parse(first.nextAttemptAt ?? "") - 500) {
      expect(h.posts()).toBe(postsBefore);
    }
    expect(hb.notifications.failed).toEqual([]);
    // Attempts so far came no sooner than the backoff apart (5 s, then 10 s): no burst.
    const times = h.times();
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(4_900);
    }

    // A day later (the bound is 24 h from the first try), the next failure is final.
    const db = new Database(join(w.stateDir, "agentmux.db"));
    onTestFinished(() => {
      db.close();
    });
    const dayAgo = new Date(Date.now() - 25 * 3600_000).toISOString();
    await waitFor("the row moved a day back", () => {
      const changed = db
        .prepare(
          "UPDATE notifications SET created_at = ?, next_attempt_at = NULL WHERE state = 'pending'",
        )
        .run(dayAgo).changes;
      return changed === 1;
    });
    const after = JSON.parse((await w.cli(["heartbeat", "--json"])).stdout) as {
      notifications: { failed: (NoteJson & { name: string; fix: string })[] };
    };
    expect(after.notifications.failed).toEqual([
      expect.objectContaining({
        name: "hooked",
        channel: "webhook",
        state: "failed",
        fix: "agentmux notify retry hooked",
      }),
    ]);
    // Never the token in the URL's path.
    expect(JSON.stringify(after)).not.toContain("secret-token");
    const ls = await w.cli(["ls", "--wide"]);
    expect(ls.stdout).toMatch(/hooked .*notification failed \(agentmux notify retry hooked\)/);
    const lsJson = await w.json<{ name: string; notificationsFailed?: number }[]>(["ls"]);
    expect(lsJson[0]?.notificationsFailed).toBe(1);
    const status = await w.cli(["status", "hooked"]);
    expect(status.stdout).toMatch(/notify {4}webhook .* failed after \d+ attempt\(s\): HTTP 500/);
    const hbText = await w.cli(["heartbeat"]);
    expect(hbText.stdout).toMatch(/^hooked: webhook .* failed after/m);

    // The endpoint is back: notify retry sends it now.
    answer = 200;
    const retried = await w.cli(["notify", "retry", "hooked"]);
    expect(retried.stderr).toBe("");
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/^hooked: webhook .* delivered$/m);
    const done = await w.json<{ notifications: NoteJson[] }>(["status", "hooked"]);
    expect(done.notifications.map((n) => n.state)).toEqual(["delivered"]);
    const again = await w.cli(["notify", "retry", "hooked"]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/has no failed notification/);
  }, 90_000);

  it("a desktop notification with nowhere to show is failed (no desktop notifier), never delivered", async () => {
    // notify-send on PATH, but no display and no session bus.
    const bin = join(tempRepo(), "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "notify-send"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(bin, "notify-send"), 0o755);
    const env = {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      DISPLAY: "",
      WAYLAND_DISPLAY: "",
      DBUS_SESSION_BUS_ADDRESS: "",
      XDG_RUNTIME_DIR: "",
    };
    for (const desktop of [true, "auto"] as const) {
      const w = new World({ notify: { desktop } });
      const r = await w.cli(["run", "cmd", "--name", "d", "--cwd", tempRepo(), "--", FAKE_AGENT], {
        env,
      });
      expect(r.code, r.stderr).toBe(0);
      await w.waitEnded("d");
      const s = await waitFor("the desktop decision", async () => {
        const x = await w.json<{ notifications: NoteJson[] }>(["status", "d"]);
        return x.notifications.every((n) => n.state !== "pending") ? x : null;
      });
      if (desktop === true) {
        expect(s.notifications).toEqual([
          expect.objectContaining({ channel: "desktop", state: "failed" }),
        ]);
        expect(s.notifications[0]?.lastError).toMatch(/^no desktop notifier/);
      } else {
        // "auto" where there is no desktop: nothing planned, nothing claimed as delivered.
        expect(s.notifications).toEqual([]);
      }
    }
  }, 60_000);
});
