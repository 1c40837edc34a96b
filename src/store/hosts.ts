import { AgentmuxError, show } from "../util/errors.js";
import type { NewNotification } from "./notifications.js";
import { toNotification, type NotificationRow } from "./rows.js";
import { nowIso, sqliteCode, type Row, type Sql } from "./sql.js";

/** A remote machine reached over ssh (remote/ knows how). */
export interface HostRow {
  name: string;
  /** `user@host` or an alias from the user's ssh config, passed to ssh as is. */
  dest: string;
  port: number | null;
  identity: string | null;
  /** The agentmux command on the host; null: `agentmux` from the login shell's PATH. */
  agentmux: string | null;
  createdAt: string;
}

export type NewHost = Omit<HostRow, "createdAt">;

/** A remote run whose end this machine reports through its own channels. */
export interface RemoteWatchRow {
  id: number;
  host: string;
  session: string;
  runNo: number;
  /** JSON of SessionSpec["notify"], resolved here from flags and this machine's config. */
  notify: unknown;
  journalDir: string | null;
  createdAt: string;
  settledAt: string | null;
  state: string | null;
}

const toHost = (r: Row): HostRow => ({
  name: r.name as string,
  dest: r.dest as string,
  port: (r.port as number | null) ?? null,
  identity: (r.identity as string | null) ?? null,
  agentmux: (r.agentmux as string | null) ?? null,
  createdAt: r.created_at as string,
});

const toWatch = (r: Row): RemoteWatchRow => ({
  id: r.id as number,
  host: r.host as string,
  session: r.session as string,
  runNo: r.run_no as number,
  notify: JSON.parse(r.notify as string) as unknown,
  journalDir: (r.journal_dir as string | null) ?? null,
  createdAt: r.created_at as string,
  settledAt: (r.settled_at as string | null) ?? null,
  state: (r.state as string | null) ?? null,
});

export function addHost(sql: Sql, h: NewHost): HostRow {
  try {
    const row = sql
      .stmt(
        "INSERT INTO hosts (name, dest, port, identity, agentmux, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
      )
      .get(h.name, h.dest, h.port, h.identity, h.agentmux, nowIso());
    return toHost(row as Row);
  } catch (e) {
    if (sqliteCode(e) === "SQLITE_CONSTRAINT_PRIMARYKEY") {
      throw new AgentmuxError("exists", `A host named ${show(h.name)} already exists`, {
        hint: `remove it first (agentmux host rm ${h.name}) or pick another name`,
        cause: e,
      });
    }
    throw e;
  }
}

export function getHost(sql: Sql, name: string): HostRow | null {
  const row = sql.stmt("SELECT * FROM hosts WHERE name = ?").get(name);
  return row ? toHost(row) : null;
}

export function listHosts(sql: Sql): HostRow[] {
  return sql.stmt("SELECT * FROM hosts ORDER BY name").all().map(toHost);
}

/** True when a host of that name was there (its watches go with it). */
export function removeHost(sql: Sql, name: string): boolean {
  return sql.stmt("DELETE FROM hosts WHERE name = ?").run(name).changes > 0;
}

/** What a host last answered to the fleet count: its live runs per agent, and when. */
export interface HostLive {
  live: Record<string, number>;
  at: string;
}

export function hostLive(sql: Sql, name: string): HostLive | null {
  return sql.read(() => {
    const h = sql.stmt("SELECT live_at FROM hosts WHERE name = ?").get(name);
    const at = h?.live_at as string | null | undefined;
    if (!at) return null;
    const live: Record<string, number> = {};
    for (const r of sql.stmt("SELECT agent, live FROM host_live WHERE host = ?").all(name)) {
      live[r.agent as string] = r.live as number;
    }
    return { live, at };
  });
}

/** Replace a host's last answer (a host removed meanwhile keeps nothing). */
export function setHostLive(sql: Sql, name: string, v: HostLive): void {
  sql.immediate(() => {
    if (sql.stmt("UPDATE hosts SET live_at = ? WHERE name = ?").run(v.at, name).changes === 0) {
      return;
    }
    sql.stmt("DELETE FROM host_live WHERE host = ?").run(name);
    const put = sql.stmt("INSERT INTO host_live (host, agent, live) VALUES (?, ?, ?)");
    for (const [agent, n] of Object.entries(v.live)) {
      if (Number.isInteger(n) && n > 0) put.run(name, agent, n);
    }
  });
}

export function addRemoteWatch(
  sql: Sql,
  w: Pick<RemoteWatchRow, "host" | "session" | "runNo" | "notify" | "journalDir">,
): void {
  // A second launch report of the same run (a retried call) keeps the first row.
  sql
    .stmt(
      "INSERT INTO remote_watches (host, session, run_no, notify, journal_dir, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (host, session, run_no) DO NOTHING",
    )
    .run(w.host, w.session, w.runNo, JSON.stringify(w.notify), w.journalDir, nowIso());
}

export function openRemoteWatches(sql: Sql, host?: string): RemoteWatchRow[] {
  const rows =
    host === undefined
      ? sql.stmt("SELECT * FROM remote_watches WHERE settled_at IS NULL ORDER BY id").all()
      : sql
          .stmt("SELECT * FROM remote_watches WHERE settled_at IS NULL AND host = ? ORDER BY id")
          .all(host);
  return rows.map(toWatch);
}

/** Close a watch once; false when another process closed it first (exactly one reporter). */
export function settleRemoteWatch(sql: Sql, id: number, state: string): boolean {
  return (
    sql
      .stmt(
        "UPDATE remote_watches SET settled_at = ?, state = ? WHERE id = ? AND settled_at IS NULL",
      )
      .run(nowIso(), state, id).changes > 0
  );
}

/**
 * Close a watch and queue its notifications in one transaction: exactly one
 * process settles it, and what it queued is then delivered (and retried) by
 * the outbox like a local run's. null when another process settled it first.
 */
export function settleRemoteWatchWith(
  sql: Sql,
  id: number,
  state: string,
  items: readonly NewNotification[],
): NotificationRow[] | null {
  return sql.immediate(() => {
    if (!settleRemoteWatch(sql, id, state)) return null;
    const createdAt = nowIso();
    return items.map((item) =>
      toNotification(
        sql
          .stmt(
            `INSERT INTO notifications (remote_watch_id, channel, target, payload, state, created_at)
             VALUES (?, ?, ?, ?, 'pending', ?) RETURNING *`,
          )
          .get(
            id,
            item.channel,
            item.target,
            JSON.stringify(item.payload ?? null),
            createdAt,
          ) as Row,
      ),
    );
  });
}

/** The notifications queued for a followed remote run, oldest first. */
export function remoteWatchNotifications(sql: Sql, watchId: number): NotificationRow[] {
  return sql
    .stmt("SELECT * FROM notifications WHERE remote_watch_id = ? ORDER BY id")
    .all(watchId)
    .map((r) => toNotification(r));
}
