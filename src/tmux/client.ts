import { mkdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";
import { run, type RunResult } from "../process/run.js";
import { AgentmuxError } from "../util/errors.js";
import {
  attachSessionArgs,
  capturePaneArgs,
  sendLineArgs,
  hasSessionArgs,
  killServerArgs,
  killSessionArgs,
  killSessionByIdArgs,
  sessionMarksArgs,
  listPanesArgs,
  listUnmarkedPanesArgs,
  listSessionsArgs,
  newSessionArgs,
  serverPidArgs,
  setSessionOptionArgs,
  setWindowOptionArgs,
  socketArgs,
  switchClientArgs,
  type NewSessionSpec,
} from "./argv.js";
import {
  parseCreated,
  parsePaneListing,
  parsePanes,
  parseSessions,
  type CreatedSession,
  type PaneListing,
  type TmuxPane,
  type TmuxSession,
} from "./format.js";

export type { CreatedSession, PaneListing, TmuxPane, TmuxSession } from "./format.js";
export type { NewSessionSpec } from "./argv.js";

// tmux answers in milliseconds; a command still running after this means the
// server is wedged, and the caller should hear so instead of hanging.
const TMUX_TIMEOUT_MS = 10_000;

// What tmux 3.3 prints when nothing listens on the socket: a stale socket file
// (ECONNREFUSED), no socket or no directory (ENOENT), or a server that was
// shutting down while we connected (seen right after kill-server). Any other
// connect error, e.g. "Permission denied", is a real failure and is thrown.
const NO_SERVER =
  /no server running on|error connecting to .*\((No such file or directory|Connection refused)\)|server exited unexpectedly/;
// "no current target": what tmux 3.3a says for `-t =NAME` while a server
// that another client is just starting has no session yet (seen with 11
// concurrent launches on a fresh socket).
const NO_SESSION = /can't find session|no such session|no current target/;

export interface SocketDirStatus {
  dir: string;
  created: boolean;
  /** Set when others could replace the socket: group or world writable. */
  warning: string | null;
}

export interface AttachCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** tmux on one socket. The only place that runs the tmux binary. */
export class TmuxClient {
  readonly socketPath: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly cwd: string | undefined;

  /**
   * `cwd`: where tmux runs. A server this client starts keeps it as its own
   * directory (and tmux's default for new panes); default: inherited.
   */
  constructor(socketPath: string, opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    this.socketPath = socketPath;
    this.cwd = opts.cwd;
    // Inside a tmux pane, $TMUX_PANE makes tmux pick "the current pane" for a
    // command without -t; on our socket that id may be someone else's pane.
    // A server we start also copies this environment into every pane.
    const { TMUX: _tmux, TMUX_PANE: _pane, ...env } = opts.env ?? process.env;
    this.env = env;
  }

  /** Create the socket's directory (0700) if missing. An existing one is never chmod-ed. */
  ensureSocketDir(): SocketDirStatus {
    const dir = dirname(resolve(this.socketPath));
    // Sync on purpose: one stat, and no fs/promises to load on every `ls`.
    let st: Stats | null;
    try {
      st = statSync(dir);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== "ENOENT") {
        throw new AgentmuxError(
          "tmux",
          `Cannot use the tmux socket directory ${dir}: ${e.message}`,
          {
            hint: "pick another socket with --socket or $AGENTMUX_SOCKET",
            cause: e,
          },
        );
      }
      st = null;
    }
    if (st === null) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return { dir, created: true, warning: null };
    }
    if (!st.isDirectory()) {
      throw new AgentmuxError("tmux", `The tmux socket directory ${dir} is not a directory`, {
        hint: "pick another socket with --socket or $AGENTMUX_SOCKET",
      });
    }
    const who = [st.mode & 0o020 ? "its group" : "", st.mode & 0o002 ? "everyone" : ""]
      .filter((w) => w !== "")
      .join(" and ");
    const warning =
      who === ""
        ? null
        : `${dir} is writable by ${who}, who could replace the tmux socket; chmod 700 it if that is not intended`;
    return { dir, created: false, warning };
  }

  /** Start a detached session (see newSessionArgs) and check the server really answers. */
  async newSession(spec: NewSessionSpec): Promise<CreatedSession> {
    const args = newSessionArgs(spec);
    const res = await this.exec(args);
    if (res.exitCode !== 0) throw this.failed(args, res);
    // tmux 3.3 exits 0 when its server could not create the socket (e.g. a
    // missing directory): it then printed an error and no -P line.
    const created = parseCreated(res.stdout);
    if (created === null) throw this.failed(args, res);
    if ((await this.serverPid()) === null) {
      throw new AgentmuxError(
        "tmux",
        `tmux new-session reported session ${created.sessionId} but no server answers on socket ${this.socketPath}`,
        { hint: "check that the socket's directory exists and is writable" },
      );
    }
    return created;
  }

  /** Sessions on the socket; [] when no server runs there. */
  async listSessions(): Promise<TmuxSession[]> {
    const res = await this.query(listSessionsArgs());
    return res === null ? [] : parseSessions(res.stdout);
  }

  /** Every pane of every session; [] when no server runs there. */
  async listPanes(): Promise<TmuxPane[]> {
    const res = await this.query(listPanesArgs());
    return res === null ? [] : parsePanes(res.stdout);
  }

  /**
   * Every session's name, with the panes in full only of the sessions that
   * do not carry agentmux's mark (tmux answers this in about half the time
   * when most sessions are agentmux's); empty when no server runs there.
   */
  async listUnmarkedPanes(): Promise<PaneListing> {
    const res = await this.query(listUnmarkedPanesArgs());
    return res === null
      ? { names: [], marked: new Set(), panes: [] }
      : parsePaneListing(res.stdout);
  }

  async hasSession(name: string): Promise<boolean> {
    const args = hasSessionArgs(name);
    const res = await this.exec(args);
    if (res.exitCode === 0) return true;
    if (NO_SESSION.test(res.stderr) || NO_SERVER.test(res.stderr)) return false;
    throw this.failed(args, res);
  }

  /** Kill exactly that session. False when it (or the server) was already gone. */
  async killSession(name: string): Promise<boolean> {
    const args = killSessionArgs(name);
    const res = await this.exec(args);
    if (res.exitCode === 0) return true;
    if (NO_SESSION.test(res.stderr) || NO_SERVER.test(res.stderr)) return false;
    throw this.failed(args, res);
  }

  /**
   * Who holds a session name: its id and its `@agentmux` mark ("" when the
   * session has none). Null when no session of that name (or no server).
   */
  async sessionMark(name: string): Promise<{ id: string; mark: string } | null> {
    const res = await this.query(sessionMarksArgs());
    if (res === null) return null;
    for (const line of res.stdout.split("\n")) {
      const [id = "", sessionName, ...mark] = line.split("\t");
      if (sessionName === name) return { id, mark: mark.join("\t") };
    }
    return null;
  }

  /** Kill the session with this id (`$n`). False when it (or the server) was already gone. */
  async killSessionById(id: string): Promise<boolean> {
    const args = killSessionByIdArgs(id);
    const res = await this.exec(args);
    if (res.exitCode === 0) return true;
    if (NO_SESSION.test(res.stderr) || NO_SERVER.test(res.stderr)) return false;
    throw this.failed(args, res);
  }

  /** The last `lines` lines of the pane's text (scrollback included), without the blank rows below. */
  async capturePane(name: string, lines: number): Promise<string> {
    const args = capturePaneArgs(name, lines);
    const res = await this.exec(args);
    if (res.exitCode !== 0) throw this.failed(args, res);
    const rows = res.stdout.split("\n");
    trimBlankRows(rows);
    // A dead pane ends with tmux's remain-on-exit-format line (default text in
    // tmux 3.3); it is tmux's, not the program's output.
    if (/^Pane is dead \(/.test(rows[rows.length - 1] ?? "")) {
      rows.pop();
      trimBlankRows(rows);
    }
    return rows.slice(-lines).join("\n");
  }

  /** Type one line into the pane (literally) and press Enter. */
  async sendLine(name: string, text: string): Promise<void> {
    const args = sendLineArgs(name, text);
    const res = await this.exec(args);
    if (res.exitCode !== 0) throw this.failed(args, res);
  }

  async setSessionOption(name: string, option: string, value: string): Promise<void> {
    const args = setSessionOptionArgs(name, option, value);
    const res = await this.exec(args);
    if (res.exitCode !== 0) throw this.failed(args, res);
  }

  async setWindowOption(name: string, option: string, value: string): Promise<void> {
    const args = setWindowOptionArgs(name, option, value);
    const res = await this.exec(args);
    if (res.exitCode !== 0) throw this.failed(args, res);
  }

  /** The server's pid, or null when no server runs on the socket. */
  async serverPid(): Promise<number | null> {
    const res = await this.query(serverPidArgs());
    if (res === null) return null;
    const pid = Number(res.stdout.trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  }

  /**
   * What the CLI runs (with the terminal) to show the session: switch-client
   * when already inside tmux on this same server, otherwise attach-session
   * with $TMUX removed — tmux refuses to nest while it is set, and the user
   * asked for exactly this session.
   */
  attachArgs(name: string, env: NodeJS.ProcessEnv = process.env): AttachCommand {
    const prefix = socketArgs(this.socketPath);
    if (sameSocket(env.TMUX, this.socketPath)) {
      return { command: "tmux", args: [...prefix, ...switchClientArgs(name)], env };
    }
    const { TMUX: _tmux, TMUX_PANE: _pane, ...rest } = env;
    return { command: "tmux", args: [...prefix, ...attachSessionArgs(name)], env: rest };
  }

  /** Stop the whole server. Only for tests and their private sockets. */
  async killServer(): Promise<void> {
    const args = killServerArgs();
    const res = await this.exec(args);
    if (res.exitCode !== 0 && !NO_SERVER.test(res.stderr)) throw this.failed(args, res);
  }

  /**
   * Run a read-only command: null when no server runs, throws on other
   * failures. Its answer (list-*, display) is captured in files, not pipes
   * (process/run.ts), ~3 ms less per `ls`.
   * Commands that change the server keep pipes: a temp directory that is
   * full must never make a started session look like a failed one.
   */
  private async query(args: string[]): Promise<RunResult | null> {
    const res = await this.exec(args, "file");
    if (res.exitCode === 0) return res;
    if (NO_SERVER.test(res.stderr)) return null;
    throw this.failed(args, res);
  }

  private async exec(args: string[], output: "pipe" | "file" = "pipe"): Promise<RunResult> {
    const res = await run("tmux", [...socketArgs(this.socketPath), ...args], {
      env: this.env,
      timeoutMs: TMUX_TIMEOUT_MS,
      output,
      ...(this.cwd === undefined ? {} : { cwd: this.cwd }),
    });
    if (res.spawnError) {
      throw new AgentmuxError("tmux", `Could not run tmux: ${res.spawnError.message}`, {
        hint: "install tmux 3.x and make sure it is on PATH",
        cause: res.spawnError,
      });
    }
    if (res.timedOut) {
      throw new AgentmuxError(
        "tmux",
        `tmux ${args[0] ?? ""} timed out after ${TMUX_TIMEOUT_MS} ms on socket ${this.socketPath}`,
        { hint: `the tmux server may be hung; check it with: tmux -S ${this.socketPath} ls` },
      );
    }
    return res;
  }

  private failed(args: readonly string[], res: RunResult): AgentmuxError {
    const cmd = args[0] ?? "";
    const why = res.stderr.trim() || `exit ${res.exitCode ?? res.signal ?? "?"}, no message`;
    return new AgentmuxError("tmux", `tmux ${cmd} failed on socket ${this.socketPath}: ${why}`, {
      hint: hintFor(cmd, why, this.socketPath),
    });
  }
}

/** The screen below the last output is blank rows: drop them. */
function trimBlankRows(rows: string[]): void {
  while (rows.length > 0 && (rows[rows.length - 1] ?? "").trim() === "") rows.pop();
}

function hintFor(cmd: string, why: string, socket: string): string {
  if (/duplicate session/.test(why))
    return "a session of that name exists; kill it or pick another name";
  if (NO_SESSION.test(why)) return `the session is gone; list them with: tmux -S ${socket} ls`;
  if (cmd === "new-session") return "check that the socket's directory exists and is writable";
  return `check the server with: tmux -S ${socket} ls`;
}

/** $TMUX is "socket_path,server_pid,session_index"; the path itself may contain commas. */
function sameSocket(tmuxVar: string | undefined, socketPath: string): boolean {
  if (tmuxVar === undefined || tmuxVar === "") return false;
  const parts = tmuxVar.split(",");
  if (parts.length < 3) return false;
  const theirs = parts.slice(0, -2).join(",");
  return canonical(theirs) === canonical(socketPath);
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // A socket that no longer exists cannot be the one we are inside.
    return resolve(path);
  }
}
