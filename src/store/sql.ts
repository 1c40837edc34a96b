import type BetterSqlite3 from "better-sqlite3";

export type Db = BetterSqlite3.Database;
export type Row = Record<string, unknown>;
export type Stmt = BetterSqlite3.Statement<unknown[], Row>;

/**
 * One connection plus its prepared statements. Each distinct SQL text is
 * prepared once per Store and reused: `ls` over hundreds of sessions pays
 * for parsing once, not per row.
 */
export class Sql {
  private readonly cache = new Map<string, Stmt>();

  constructor(readonly db: Db) {}

  stmt(sql: string): Stmt {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[], Row>(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /**
   * Run fn in a BEGIN IMMEDIATE transaction. IMMEDIATE takes the write lock
   * before the first read, so a read-check-write sequence cannot be
   * invalidated by another process in between (a deferred transaction would
   * fail with SQLITE_BUSY on upgrade instead of waiting for busy_timeout).
   * Nested calls become savepoints of the outer transaction.
   */
  immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Run fn in a deferred transaction: several reads from one snapshot, never waiting for a writer (WAL). */
  read<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }
}

export const nowIso = (): string => new Date().toISOString();

/** better-sqlite3 reports constraint and corruption failures with a string code. */
export function sqliteCode(e: unknown): string | undefined {
  if (e instanceof Error && "code" in e && typeof e.code === "string") return e.code;
  return undefined;
}
