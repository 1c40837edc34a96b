import { describe, expect, it, onTestFinished } from "vitest";
import { join } from "node:path";
import Database from "better-sqlite3";
import { APPLICATION_ID, MIGRATIONS } from "./migrations.js";
import { DB_FILE, openStore } from "./open.js";
import { tempDir } from "../../test/helpers/tmp.js";

function fresh() {
  const s = openStore(tempDir());
  onTestFinished(() => s.close());
  s.addHost({ name: "h0", dest: "me@h0", port: null, identity: null, agentmux: null });
  s.addRemoteWatch({ host: "h0", session: "w", runNo: 1, notify: {}, journalDir: null });
  const watch = s.openRemoteWatches("h0")[0]!;
  return { s, watch };
}

const item = {
  channel: "command",
  target: "notify-me",
  payload: { argv: ["notify-me"], text: "w@h0 succeeded" },
};

describe("a remote run's notifications in the outbox", () => {
  it("are queued as the watch settles, once, and claimed like a local run's", () => {
    const { s, watch } = fresh();
    const rows = s.settleRemoteWatchWith(watch.id, "succeeded", [item]);
    expect(rows?.map((r) => [r.runId, r.remoteWatchId, r.state])).toEqual([
      [null, watch.id, "pending"],
    ]);
    // A second reporter (another monitor) finds it settled and queues nothing.
    expect(s.settleRemoteWatchWith(watch.id, "succeeded", [item])).toBeNull();
    expect(s.remoteWatchNotifications(watch.id)).toHaveLength(1);
    const open = s.openNotifications(Date.now(), 60_000);
    expect(open.map((r) => r.remoteWatchId)).toEqual([watch.id]);
    const claimed = s.transaction(() =>
      s.claimNotifications([open[0]!.id], "me", Date.now(), 60_000),
    );
    expect(claimed).toHaveLength(1);
    s.markAttemptFailed(claimed[0]!.id, "gateway down", { final: false, nextAttemptAt: null });
    expect(s.remoteWatchNotifications(watch.id)[0]).toMatchObject({
      state: "pending",
      attempts: 1,
      lastError: "gateway down",
    });
  });

  it("go with their host (host rm forgets its watches and their rows)", () => {
    const { s, watch } = fresh();
    s.settleRemoteWatchWith(watch.id, "failed", [item]);
    s.removeHost("h0");
    expect(s.remoteWatchNotifications(watch.id)).toEqual([]);
  });
});

describe("the migration that lets a notification belong to a remote run", () => {
  it("keeps every notification of a store made before it, with its state and retry record", () => {
    const dir = tempDir();
    // A store as the version before this migration left it.
    const db = new Database(join(dir, DB_FILE));
    const before = MIGRATIONS.findIndex((m) => m.includes("CREATE TABLE notifications_new"));
    for (const m of MIGRATIONS.slice(0, before)) db.exec(m);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${before}`);
    db.exec(
      `INSERT INTO sessions (id, name, kind, agent, spec, created_at) VALUES (1, 'old', 'agent', 'cmd', '{}', 'T');
       INSERT INTO runs (id, session_id, run_no, state, run_dir, log_path, started_at) VALUES (7, 1, 1, 'succeeded', '', '', 'T');
       INSERT INTO notifications (run_id, channel, target, payload, state, attempts, last_error, created_at, next_attempt_at, retry_since)
         VALUES (7, 'command', 'notify-me', '{"text":"old succeeded"}', 'pending', 2, 'down', 'T', 'U', 'V');`,
    );
    db.close();
    const s = openStore(dir);
    onTestFinished(() => s.close());
    expect(s.listNotifications(7)).toMatchObject([
      {
        runId: 7,
        remoteWatchId: null,
        state: "pending",
        attempts: 2,
        lastError: "down",
        nextAttemptAt: "U",
        retrySince: "V",
        payload: { text: "old succeeded" },
      },
    ]);
  });
});
