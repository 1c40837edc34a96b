import { closeSync, constants, openSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { AgentmuxError, isAgentmuxError } from "../util/errors.js";
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { sqliteCode, type Db } from "./sql.js";
import { Store } from "./store.js";
import { sqliteNativeBinding } from "./native.js";

export const DB_FILE = "agentmux.db";

// Another process (a finisher, the monitor) may hold the write lock for a
// moment; 5 s is far longer than any of our transactions and short enough
// that a wedged writer is reported rather than hanging the CLI.
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Open (creating or migrating) the store in `dir`, which must exist
 * (ensureStateDir). An existing database is never reset or deleted: one that
 * is corrupt, not a database, another program's, or from a newer agentmux is
 * reported by path and left byte-for-byte as it was.
 */
export function openStore(dir: string): Store {
  const path = join(dir, DB_FILE);
  createPrivate(path);
  let db: Db;
  try {
    // fileMustExist: the file was just created 0600; never let SQLite create one with the umask's mode.
    db = new Database(path, { fileMustExist: true, ...sqliteNativeBinding() });
  } catch (e) {
    throw openError(path, e);
  }
  try {
    prepare(db, path);
  } catch (e) {
    db.close();
    throw isAgentmuxError(e) ? e : openError(path, e);
  }
  return new Store(db, path);
}

/** Create the database file 0600 (it holds prompts' summaries, paths and outputs' tails); keep an existing one as is. */
function createPrivate(path: string): void {
  try {
    closeSync(openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return; // an existing store: open it as it is
    throw openError(path, e);
  }
}

function prepare(db: Db, path: string): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Read-only checks first: nothing below may write to a file we do not own
  // or do not understand (even switching to WAL rewrites header bytes).
  // One statement, so one snapshot: another process may be migrating a fresh store right now.
  const header = db
    .prepare(
      `SELECT (SELECT user_version FROM pragma_user_version) AS version,
              (SELECT application_id FROM pragma_application_id) AS appId,
              (SELECT count(*) FROM sqlite_schema) AS objects`,
    )
    .get() as { version: number; appId: number; objects: number };
  const { version, appId } = header;
  if (appId !== 0 && appId !== APPLICATION_ID) {
    throw notOurs(path, `it belongs to another program (application_id ${appId})`);
  }
  if (version > SCHEMA_VERSION) {
    throw new AgentmuxError(
      "store",
      `${path} has schema version ${version}; this agentmux knows up to ${SCHEMA_VERSION}`,
      {
        hint: "a newer agentmux wrote it: upgrade agentmux (npm install -g agentmux@latest), or set AGENTMUX_HOME to another directory",
      },
    );
  }
  if (appId === 0 && (version > 0 || header.objects > 0))
    throw notOurs(path, "it holds another program's tables");

  // WAL: readers (ls) never wait for the writer (a finisher). If the file
  // system cannot do WAL, SQLite keeps the rollback journal: slower, still correct.
  db.pragma("journal_mode = WAL");
  // NORMAL is durable across process crashes in WAL mode; only power loss can drop the last commits.
  db.pragma("synchronous = NORMAL");
  // Per connection and not inside a transaction; ON DELETE CASCADE needs it.
  db.pragma("foreign_keys = ON");
  // An up-to-date store is only read: `ls` must never wait for a writer's lock.
  if (version < SCHEMA_VERSION) migrate(db, version);
}

/**
 * Apply the migrations this database has not seen, one transaction each.
 * The version is read again inside the (IMMEDIATE) transaction: two
 * processes opening a fresh store at once must not both run migration 1.
 */
function migrate(db: Db, seen: number): void {
  for (let v = seen + 1; v <= SCHEMA_VERSION; v++) {
    db.transaction(() => {
      const current = db.pragma("user_version", { simple: true }) as number;
      if (current >= v) return;
      db.exec(MIGRATIONS[v - 1] ?? "");
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${v}`);
    }).immediate();
  }
}

function notOurs(path: string, reason: string, cause?: unknown): AgentmuxError {
  return new AgentmuxError("store", `${path} is not a readable agentmux database: ${reason}`, {
    hint: `move it aside (mv ${path} ${path}.bad) and run again to start a new store; nothing was deleted`,
    ...(cause === undefined ? {} : { cause }),
  });
}

function openError(path: string, e: unknown): AgentmuxError {
  const code = sqliteCode(e) ?? "";
  const reason = e instanceof Error ? e.message : String(e);
  if (code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT")) {
    return notOurs(path, reason, e);
  }
  return new AgentmuxError("store", `${path} could not be opened: ${reason}`, {
    hint: "check that the state directory and the database file are yours and writable, and that the disk is not full",
    cause: e,
  });
}
