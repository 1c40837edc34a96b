import { AgentmuxError, show } from "../util/errors.js";
import { MARK_OPTION } from "./mark.js";

/**
 * The -F formats agentmux asks tmux for, and their parsers. Fields are
 * separated by a tab: tmux 3.3 stores a tab or newline typed into a session
 * name as the two characters `\t` / `\n` (and turns ":" and "." into "_"), so a
 * raw tab or newline never appears inside a field. The session name, the only
 * free text, is still put last and takes the rest of the line, so even a tmux
 * that did let a tab through could not shift the other fields.
 */

const SEP = "\t";

const SESSION_FIELDS = [
  "session_id",
  "session_created",
  "session_attached",
  "session_windows",
  "session_name",
] as const;

// pane_dead_signal and pane_dead_time exist since tmux 3.3; older servers
// print them empty, which parses as null.
const PANE_FIELDS = [
  "session_id",
  "pane_id",
  "pane_pid",
  "pane_dead",
  "pane_dead_status",
  "pane_dead_signal",
  "pane_dead_time",
  "window_activity",
  "session_activity",
  "session_name",
] as const;

function formatOf(fields: readonly string[]): string {
  return fields.map((f) => `#{${f}}`).join(SEP);
}

export const SESSION_FORMAT = formatOf(SESSION_FIELDS);
export const PANE_FORMAT = formatOf(PANE_FIELDS);
/**
 * list-panes with a session that carries agentmux's mark given only by its
 * name (a line "M<TAB>NAME"), every other session's panes in full. tmux
 * expands only the branch it takes, and each field costs it about a
 * microsecond per pane: at 1,000 of agentmux's sessions this answers in
 * about half the time of PANE_FORMAT, for a caller that needs the full facts
 * only of sessions agentmux did not start (`ls` with no run live).
 */
export const UNMARKED_PANE_FORMAT = `#{?${MARK_OPTION},M${SEP}#{session_name},${PANE_FORMAT}}`;
/** What `new-session -P -F` prints: the ids of what it created. */
export const CREATED_FORMAT = formatOf(["session_id", "pane_id", "pane_pid"]);

export interface TmuxSession {
  /** `$n`, stable for the server's lifetime (names can be renamed). */
  id: string;
  name: string;
  createdAt: Date;
  /** Number of clients attached. */
  attached: number;
  windows: number;
}

export interface TmuxPane {
  sessionId: string;
  sessionName: string;
  /** `%n` */
  paneId: string;
  /** The pane's first process (for a dead pane: the pid it had). */
  panePid: number;
  /**
   * The pane's process is gone and remain-on-exit kept the pane. tmux 3.3
   * sets pane_dead when the pty closes and the status only once it has reaped
   * the process, so for a moment `dead` can be true with both below null.
   */
  dead: boolean;
  /** Exit status when it exited normally, else null. */
  deadStatus: number | null;
  /** Signal number when it was killed by a signal, else null. */
  deadSignal: number | null;
  deadAt: Date | null;
  /** Last output in the pane's window (window_activity, else session_activity). */
  activityAt: Date | null;
}

export interface CreatedSession {
  sessionId: string;
  paneId: string;
  panePid: number;
}

export function parseSessions(stdout: string): TmuxSession[] {
  return lines(stdout).map((line) => {
    const [id, created, attached, windows, name = ""] = fields(
      line,
      SESSION_FIELDS.length,
      "sessions",
    );
    return {
      id: idOf(id, "$", line, "sessions"),
      name,
      createdAt: dateOf(created) ?? bad(line, "sessions"),
      attached: intOf(attached) ?? bad(line, "sessions"),
      windows: intOf(windows) ?? bad(line, "sessions"),
    };
  });
}

/** One list-panes of UNMARKED_PANE_FORMAT. */
export interface PaneListing {
  /** Every session's name, in tmux's order (a session with several panes more than once). */
  names: string[];
  /** The names of the sessions that carry agentmux's mark (any state directory's). */
  marked: Set<string>;
  /** The panes of the sessions without the mark, in full. */
  panes: TmuxPane[];
}

export function parsePaneListing(stdout: string): PaneListing {
  const listing: PaneListing = { names: [], marked: new Set(), panes: [] };
  for (const line of lines(stdout)) {
    // A full line starts with a session id ("$3"), never with "M".
    if (line.startsWith(`M${SEP}`)) {
      const name = line.slice(2);
      listing.names.push(name);
      listing.marked.add(name);
    } else {
      const pane = parsePane(line);
      listing.names.push(pane.sessionName);
      listing.panes.push(pane);
    }
  }
  return listing;
}

export function parsePanes(stdout: string): TmuxPane[] {
  return lines(stdout).map(parsePane);
}

function parsePane(line: string): TmuxPane {
  const [sid, pid, ppid, dead, status, signal, deadTime, winAct, sesAct, name = ""] = fields(
    line,
    PANE_FIELDS.length,
    "panes",
  );
  const deadStatus = intOf(status);
  const deadSignal = intOf(signal);
  return {
    sessionId: idOf(sid, "$", line, "panes"),
    sessionName: name,
    paneId: idOf(pid, "%", line, "panes"),
    panePid: intOf(ppid) ?? bad(line, "panes"),
    // A reaped process is dead even if tmux has not yet seen its pty close.
    dead: dead === "1" || deadStatus !== null || deadSignal !== null,
    deadStatus,
    deadSignal,
    deadAt: dateOf(deadTime),
    activityAt: dateOf(winAct) ?? dateOf(sesAct),
  };
}

/** The `-P -F CREATED_FORMAT` line of new-session, or null if tmux printed none. */
export function parseCreated(stdout: string): CreatedSession | null {
  const line = lines(stdout)[0];
  if (line === undefined) return null;
  const [sid = "", pid = "", ppid = ""] = line.split(SEP);
  const panePid = intOf(ppid);
  if (!sid.startsWith("$") || !pid.startsWith("%") || panePid === null) return null;
  return { sessionId: sid, paneId: pid, panePid };
}

function lines(stdout: string): string[] {
  return stdout.split("\n").filter((l) => l !== "");
}

/** Split into exactly n fields; the last one keeps any further separators. */
function fields(line: string, n: number, what: string): string[] {
  const parts = line.split(SEP);
  if (parts.length < n) bad(line, what);
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(SEP)];
}

function intOf(s: string | undefined): number | null {
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : null;
}

/** tmux prints times as epoch seconds; 0 or empty means "never". */
function dateOf(s: string | undefined): Date | null {
  const n = intOf(s);
  return n === null || n <= 0 ? null : new Date(n * 1000);
}

function idOf(s: string | undefined, sigil: string, line: string, what: string): string {
  return s !== undefined && s.startsWith(sigil) ? s : bad(line, what);
}

function bad(line: string, what: string): never {
  throw new AgentmuxError("tmux", `Unexpected line in tmux's list of ${what}: ${show(line)}`, {
    hint: "agentmux expects tmux 3.x; check `tmux -V`",
  });
}
