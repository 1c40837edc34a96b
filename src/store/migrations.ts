/**
 * The schema, as an ordered list: migration N brings user_version N-1 to N.
 * Append only; never edit a migration that has shipped (databases in the wild
 * already ran it). Each one runs in its own transaction (see open.ts).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: sessions, their runs, the notification outbox, and key/value meta.
  `
  CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,              -- 'agent' | 'loop'
    agent TEXT NOT NULL,
    spec TEXT NOT NULL,              -- JSON (SessionSpec)
    created_at TEXT NOT NULL,
    removed_at TEXT
  );
  -- A name is reusable after rm; removed sessions stay as history.
  CREATE UNIQUE INDEX sessions_live_name ON sessions(name) WHERE removed_at IS NULL;

  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    run_no INTEGER NOT NULL,
    state TEXT NOT NULL,
    run_dir TEXT NOT NULL,
    log_path TEXT NOT NULL,
    tmux_session_id TEXT,
    runner_pid INTEGER,
    runner_start TEXT,
    agent_pid INTEGER,
    agent_start TEXT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    exit_code INTEGER,
    signal TEXT,
    end_reason TEXT,
    kill_requested INTEGER NOT NULL DEFAULT 0,
    start_commit TEXT,
    evidence TEXT,                   -- JSON (Evidence)
    verdict TEXT,
    diagnosis TEXT,                  -- JSON (Diagnosis)
    journal_file TEXT,
    finished_at TEXT,                -- when verification/notification bookkeeping completed
    UNIQUE (session_id, run_no)      -- also the index for "latest run of each session"
  );

  CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,           -- JSON
    state TEXT NOT NULL,             -- pending | sending | delivered | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    claimed_by TEXT,
    claimed_at TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT
  );
  -- listNotifications, and the cascade when a run is purged.
  CREATE INDEX notifications_run ON notifications(run_id);
  -- claimPending: pending rows, and sending rows by claim age.
  CREATE INDEX notifications_open ON notifications(state, claimed_at);

  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: loops. Items belong to the session, not the run, so a
  // restart (a new run) resumes them: done items stay done, attempts carry
  // over. Each iteration belongs to the run that started it and is settled
  // exactly once (outcome leaves 'running' in one guarded UPDATE).
  `
  CREATE TABLE loop_items (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    key TEXT NOT NULL,               -- checklist key: normalized text + '#n'
    text TEXT NOT NULL,
    item_index INTEGER NOT NULL,     -- position among the PRD's items when last seen
    present INTEGER NOT NULL DEFAULT 1, -- 0: no longer in the PRD
    state TEXT NOT NULL,             -- pending | running | done | failed | unverified | conflict
    attempts INTEGER NOT NULL DEFAULT 0,
    commits INTEGER NOT NULL DEFAULT 0,
    check_passed INTEGER,            -- NULL: no check ran
    reason TEXT,
    branch TEXT,                     -- parallel mode: the item's branch
    updated_at TEXT NOT NULL,
    PRIMARY KEY (session_id, key)
  );

  CREATE TABLE iterations (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    item_text TEXT NOT NULL,
    item_index INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    start_commit TEXT,
    end_commit TEXT,
    agent_pid INTEGER,
    agent_start TEXT,
    exit_code INTEGER,
    signal TEXT,
    -- running | done | failed | unverified | no-progress | timeout | conflict
    -- | rate-limited | auth | interrupted
    outcome TEXT NOT NULL,
    counted INTEGER NOT NULL DEFAULT 0, -- 1: used one of the item's attempts
    reason TEXT,
    evidence TEXT,                   -- JSON (IterationEvidence)
    check_result TEXT,               -- JSON (CheckResult)
    duration_ms INTEGER,
    worktree TEXT
  );
  CREATE INDEX iterations_session ON iterations(session_id, id);
  CREATE INDEX iterations_run ON iterations(run_id);
  `,
  // Notification delivery retries with backoff and a bound (notify/retry.ts):
  // a pending row that failed waits until next_attempt_at; after the bound,
  // counted from retry_since (NULL: created_at; `notify retry` resets it), it
  // is failed for good.
  `
  ALTER TABLE notifications ADD COLUMN next_attempt_at TEXT;
  ALTER TABLE notifications ADD COLUMN retry_since TEXT;
  `,
  // 4: tokens and cost per run (iteration_id NULL) and per loop iteration, as
  // the agent CLI reported them (src/usage/). NULL counts are unknown, not 0.
  `
  CREATE TABLE usage (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration_id INTEGER REFERENCES iterations(id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    source TEXT NOT NULL,            -- codex | claude: the output format it was read from
    model TEXT,
    input INTEGER,                   -- all input tokens, cache reads and writes included
    cached_input INTEGER,
    cache_creation INTEGER,
    output INTEGER,                  -- all output tokens, reasoning included
    reasoning INTEGER,
    cost_usd REAL,
    cost_basis TEXT NOT NULL,        -- reported | estimated | none
    recorded_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX usage_of_run ON usage(run_id) WHERE iteration_id IS NULL;
  CREATE UNIQUE INDEX usage_of_iteration ON usage(iteration_id) WHERE iteration_id IS NOT NULL;
  CREATE INDEX usage_session ON usage(session_id);
  `,
  // 4: remote hosts (reached over ssh) and the remote runs whose end this
  // machine reports through its own notification channels. A watch row is
  // closed (settled_at) once its notifications were handed over.
  `
  CREATE TABLE hosts (
    name TEXT PRIMARY KEY,
    dest TEXT NOT NULL,              -- user@host or an alias from ~/.ssh/config
    port INTEGER,
    identity TEXT,
    agentmux TEXT,                   -- the agentmux command on the host (default: agentmux)
    created_at TEXT NOT NULL
  );
  CREATE TABLE remote_watches (
    id INTEGER PRIMARY KEY,
    host TEXT NOT NULL REFERENCES hosts(name) ON DELETE CASCADE,
    session TEXT NOT NULL,
    run_no INTEGER NOT NULL,         -- the session's run number on that host
    notify TEXT NOT NULL,            -- JSON (SessionSpec["notify"]) from this machine's flags and config
    journal_dir TEXT,
    created_at TEXT NOT NULL,
    settled_at TEXT,
    state TEXT,
    UNIQUE (host, session, run_no)
  );
  CREATE INDEX remote_watches_open ON remote_watches(settled_at, host);
  `,
  // 6: a remote run's notifications go through the same outbox as a local
  // run's (retried, never lost): a row belongs to a local run (run_id) or to
  // a followed remote run (remote_watch_id), exactly one. SQLite cannot drop
  // NOT NULL in place, so the table is rebuilt with its rows and indexes.
  `
  CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    remote_watch_id INTEGER REFERENCES remote_watches(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    claimed_by TEXT,
    claimed_at TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    next_attempt_at TEXT,
    retry_since TEXT,
    CHECK ((run_id IS NULL) <> (remote_watch_id IS NULL))
  );
  INSERT INTO notifications_new (id, run_id, channel, target, payload, state, attempts,
    last_error, claimed_by, claimed_at, created_at, delivered_at, next_attempt_at, retry_since)
  SELECT id, run_id, channel, target, payload, state, attempts, last_error, claimed_by,
    claimed_at, created_at, delivered_at, next_attempt_at, retry_since FROM notifications;
  DROP TABLE notifications;
  ALTER TABLE notifications_new RENAME TO notifications;
  CREATE INDEX notifications_run ON notifications(run_id);
  CREATE INDEX notifications_open ON notifications(state, claimed_at);
  CREATE INDEX notifications_remote ON notifications(remote_watch_id);
  `,
  // 7: what the monitor, the launch governor, the notification outbox and the
  // fleet count kept as JSON in the key/value `meta` table, each in a table of its own. The
  // old records are copied (an unreadable errored record stays errored, as it
  // was read; other unreadable ones meant "none" and are left out), then
  // `meta` is dropped: nothing else was ever kept there.
  `
  CREATE TABLE governor (
    agent TEXT PRIMARY KEY,
    last_launch_at TEXT,
    last_launch_by TEXT,             -- the launcher of the last launch (a loop: 'run:<id>')
    paused_until TEXT,
    pause_reason TEXT
  );
  -- When each notification destination may get its next message (notify/coalesce.ts).
  CREATE TABLE notify_destinations (
    key_hash TEXT PRIMARY KEY,       -- sha1 of the destination: a command's argv can be long
    opens_at TEXT NOT NULL
  );
  -- Restarts stopped after a crash loop (monitor/policy/errored.ts): one row per session ever marked.
  CREATE TABLE session_errored (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    errored INTEGER NOT NULL,
    since TEXT,
    reason TEXT,
    cleared_at TEXT
  );
  -- agentmux ack: a person has seen how this run ended.
  CREATE TABLE run_acks (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    acked_at TEXT NOT NULL
  );
  -- The monitor's last stall sample of a running run (monitor/stall.ts).
  CREATE TABLE stall_samples (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,             -- ms since the epoch
    log_mtime_ms REAL,
    screen_hash TEXT,
    cpu_ticks INTEGER,
    tree_hash TEXT,
    progress_at INTEGER NOT NULL
  );
  -- A run the monitor found stalled (the row is its notification claim).
  CREATE TABLE stalls (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    since TEXT NOT NULL
  );
  -- A run the monitor restarted (the row is the claim: exactly one restart).
  CREATE TABLE restart_claims (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    claimed_at TEXT NOT NULL
  );
  -- agentmux watch's own heartbeat: one row.
  CREATE TABLE monitor_beat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    ticks TEXT,
    started_at TEXT NOT NULL,
    at TEXT NOT NULL,
    interval_ms INTEGER NOT NULL,
    stopped INTEGER NOT NULL
  );

  -- What each host last answered to the fleet count (remote/fleet.ts): an
  -- unreachable host counts with these numbers, stated with when they were seen.
  ALTER TABLE hosts ADD COLUMN live_at TEXT;
  CREATE TABLE host_live (
    host TEXT NOT NULL REFERENCES hosts(name) ON DELETE CASCADE,
    agent TEXT NOT NULL,
    live INTEGER NOT NULL,
    PRIMARY KEY (host, agent)
  );

  INSERT INTO governor (agent, last_launch_at, last_launch_by, paused_until, pause_reason)
    SELECT substr(key, 10),
      CASE WHEN json_type(value, '$.lastLaunchAt') = 'text' THEN json_extract(value, '$.lastLaunchAt') END,
      CASE WHEN json_type(value, '$.lastLaunchBy') = 'text' THEN json_extract(value, '$.lastLaunchBy') END,
      CASE WHEN json_type(value, '$.pausedUntil') = 'text' THEN json_extract(value, '$.pausedUntil') END,
      CASE WHEN json_type(value, '$.pauseReason') = 'text' THEN json_extract(value, '$.pauseReason') END
    FROM meta WHERE key LIKE 'governor:%' AND json_valid(value) AND json_type(value) = 'object';
  INSERT INTO notify_destinations (key_hash, opens_at)
    SELECT j.key, j.value FROM meta, json_each(meta.value) AS j
    WHERE meta.key = 'notify:destinations' AND json_valid(meta.value)
      AND json_type(meta.value) = 'object' AND j.type = 'text';
  INSERT INTO session_errored (session_id, errored, since, reason, cleared_at)
    SELECT CAST(substr(key, 9) AS INTEGER),
      CASE WHEN json_valid(value) THEN json_type(value, '$.errored') IS 'true' ELSE 1 END,
      CASE WHEN json_valid(value) AND json_type(value, '$.since') = 'text' THEN json_extract(value, '$.since') END,
      CASE WHEN NOT json_valid(value) THEN 'unreadable errored record'
           WHEN json_type(value, '$.reason') = 'text' THEN json_extract(value, '$.reason') END,
      CASE WHEN json_valid(value) AND json_type(value, '$.clearedAt') = 'text' THEN json_extract(value, '$.clearedAt') END
    FROM meta WHERE key LIKE 'errored:%'
      AND CAST(substr(key, 9) AS INTEGER) IN (SELECT id FROM sessions);
  INSERT INTO run_acks (run_id, acked_at)
    SELECT r.id, COALESCE(CASE WHEN json_type(m.value, '$.at') = 'text' THEN json_extract(m.value, '$.at') END, r.started_at)
    FROM meta m JOIN runs r
      ON m.key LIKE 'ack:%' AND json_valid(m.value)
      AND json_type(m.value, '$.runId') = 'integer'
      AND r.id = json_extract(m.value, '$.runId')
      AND r.session_id = CAST(substr(m.key, 5) AS INTEGER);
  INSERT INTO stall_samples (run_id, at, log_mtime_ms, screen_hash, cpu_ticks, tree_hash, progress_at)
    SELECT CAST(substr(key, 13) AS INTEGER), json_extract(value, '$.at'),
      json_extract(value, '$.logMtimeMs'), json_extract(value, '$.screenHash'),
      json_extract(value, '$.cpuTicks'), json_extract(value, '$.treeHash'),
      json_extract(value, '$.progressAt')
    FROM meta WHERE key LIKE 'stallsample:%' AND json_valid(value)
      AND json_type(value, '$.at') IN ('integer', 'real')
      AND json_type(value, '$.progressAt') IN ('integer', 'real')
      AND CAST(substr(key, 13) AS INTEGER) IN (SELECT id FROM runs);
  INSERT INTO stalls (run_id, since)
    SELECT CAST(substr(key, 7) AS INTEGER), value FROM meta
    WHERE key LIKE 'stall:%' AND CAST(substr(key, 7) AS INTEGER) IN (SELECT id FROM runs);
  INSERT INTO restart_claims (run_id, claimed_at)
    SELECT CAST(substr(key, 11) AS INTEGER), value FROM meta
    WHERE key LIKE 'restarted:%' AND CAST(substr(key, 11) AS INTEGER) IN (SELECT id FROM runs);
  INSERT INTO monitor_beat (id, pid, ticks, started_at, at, interval_ms, stopped)
    SELECT 1, json_extract(value, '$.pid'),
      CASE WHEN json_type(value, '$.ticks') = 'text' THEN json_extract(value, '$.ticks') END,
      json_extract(value, '$.startedAt'), json_extract(value, '$.at'),
      json_extract(value, '$.intervalMs'), json_type(value, '$.stopped') IS 'true'
    FROM meta WHERE key = 'monitor:heartbeat' AND json_valid(value)
      AND json_type(value, '$.pid') = 'integer' AND json_type(value, '$.startedAt') = 'text'
      AND json_type(value, '$.at') = 'text' AND json_type(value, '$.intervalMs') IN ('integer', 'real');

  UPDATE hosts SET live_at = (
    SELECT json_extract(value, '$.at') FROM meta
    WHERE key = 'fleet:live:' || hosts.name AND json_valid(value) AND json_type(value, '$.at') = 'text');
  INSERT INTO host_live (host, agent, live)
    SELECT substr(m.key, 12), j.key, j.value FROM meta m, json_each(m.value, '$.live') AS j
    WHERE m.key LIKE 'fleet:live:%' AND json_valid(m.value) AND j.type = 'integer' AND j.value >= 0
      AND substr(m.key, 12) IN (SELECT name FROM hosts WHERE live_at IS NOT NULL);

  DROP TABLE meta;
  `,
  // 8: when a settled run's agent last wrote output (its log's mtime once the
  // run was judged), so listing a settled run reads no file. Runs settled
  // before this, and lost runs (whose agent may still be writing), keep
  // NULL: their log is asked.
  `
  ALTER TABLE runs ADD COLUMN last_output_at TEXT;
  `,
  // 9: what `ls` reads, found without reading the history. Runs accumulate
  // (every restart and loop iteration is one, and rm keeps them), and `ls`,
  // the launch governor and the stall flags ask which are live: a scan of
  // 20,000 runs is ~10 ms each time. Queries that mean to use runs_live say
  // \`state IN ('starting', 'running')\` exactly (store/live-runs.ts). The
  // sessions not removed, in id order, likewise: 10,000 removed ones cost
  // `ls` ~6 ms to skip.
  `
  CREATE INDEX runs_live ON runs(state) WHERE state IN ('starting', 'running');
  CREATE INDEX sessions_kept ON sessions(id) WHERE removed_at IS NULL;
  `,
];

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Written into the database header (PRAGMA application_id) by the first
 * migration, so another program's SQLite file is recognised and left alone.
 * "amux" in ASCII.
 */
export const APPLICATION_ID = 0x616d7578;
