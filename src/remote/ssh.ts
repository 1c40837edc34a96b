import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostRow } from "../store/hosts.js";
import { AgentmuxError, show } from "../util/errors.js";

/**
 * The only code that knows ssh syntax. Pure: builds argv for the system
 * `ssh` (so the user's ~/.ssh/config, agent and known_hosts apply as they
 * do everywhere else) and never a shell string from data.
 *
 * ssh joins the words after DEST into one string for the remote shell, so
 * what goes there is FIXED: the host's agentmux command (checked below to
 * hold no shell syntax) and `_remote`. Names, prompts, paths and
 * environment values travel as JSON on stdin.
 */

/** Names of hosts: like session names, safe in a table, a file name and a log line. */
export const HOST_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** `user@host`, `host`, `[::1]`, or an ssh config alias; never an option (leading '-'). */
const DEST_RE = /^[A-Za-z0-9_.@:[\]%+-]{1,255}$/;
/** A command word the remote shell runs as is: no quotes, spaces, `$`, `;`, globs. */
const COMMAND_RE = /^[A-Za-z0-9_./~+-]{1,200}$/;

/**
 * A path ssh can take in a forward (`-L LOCAL:REMOTE` splits at ':', and
 * ControlPath expands '%') and a unix socket can hold (~108 bytes).
 */
export const PLAIN_PATH_RE = /^\/[A-Za-z0-9._/+-]{1,99}$/;

/** "local" names this machine in `ls --all-hosts`. */
export const LOCAL_HOST = "local";

export function checkHostName(name: string): void {
  if (!HOST_NAME_RE.test(name) || name === LOCAL_HOST) {
    throw new AgentmuxError(
      "bad-name",
      `Expected a host name of letters, digits and ._- (not "local"), got ${show(name)}`,
      { hint: "for example: agentmux host add gpu1 me@gpu1.example.com" },
    );
  }
}

export function checkDest(dest: string): void {
  if (!DEST_RE.test(dest) || dest.startsWith("-")) {
    throw new AgentmuxError(
      "bad-value",
      `Expected an ssh destination such as user@host or an alias from ~/.ssh/config, got ${show(dest)}`,
      { hint: "put options such as the port in ~/.ssh/config, or use --port / --identity" },
    );
  }
}

export function checkRemoteCommand(cmd: string): void {
  if (!COMMAND_RE.test(cmd) || cmd.startsWith("-")) {
    throw new AgentmuxError(
      "bad-value",
      `Expected the path of agentmux on the host (letters, digits and _./~+-), got ${show(cmd)}`,
      { hint: "for example --agentmux .local/bin/agentmux" },
    );
  }
}

/** How this machine runs ssh (the same for every host). */
export interface SshSettings {
  /** The ssh program ($AGENTMUX_SSH, default "ssh"). */
  program: string;
  /** An ssh config file to use instead of ~/.ssh/config ($AGENTMUX_SSH_CONFIG). */
  configFile?: string;
  /** Where the shared connections' sockets live (ControlPath DIR/%C). */
  controlDir: string;
  /** Seconds to wait for a new connection. */
  connectTimeoutS: number;
}

/** How long an idle shared connection stays up after its last use. */
export const CONTROL_PERSIST = "10m";
// A dead peer (a host that vanished, a link that went down) is noticed by
// the shared connection within ~10 s, so a call over it fails instead of
// hanging; every call also has its own deadline.
const ALIVE_INTERVAL_S = 5;
const ALIVE_COUNT = 2;
/** Unix socket paths hold ~108 bytes; %C is 40 hex digits. */
const MAX_CONTROL_DIR = 60;

/** The socket directory: under the state dir, or a short per-state-dir one in /tmp when that path is too long or holds characters ssh would split or expand. */
export function controlDirFor(stateDir: string, uid: number): string {
  const own = join(stateDir, "ssh");
  if (own.length <= MAX_CONTROL_DIR && PLAIN_PATH_RE.test(own)) return own;
  const h = createHash("sha1").update(stateDir).digest("hex").slice(0, 12);
  return join(tmpdir(), `agentmux-ssh-${uid}-${h}`);
}

export function sshSettings(env: NodeJS.ProcessEnv, stateDir: string): SshSettings {
  const s: SshSettings = {
    program: env.AGENTMUX_SSH || "ssh",
    controlDir: controlDirFor(stateDir, process.getuid?.() ?? 0),
    connectTimeoutS: 5,
  };
  if (env.AGENTMUX_SSH_CONFIG) s.configFile = env.AGENTMUX_SSH_CONFIG;
  return s;
}

type Target = Pick<HostRow, "dest" | "port" | "identity">;

/** The options every call shares: batch mode and the one shared connection per host. */
export function baseArgs(host: Target, s: SshSettings, connectTimeoutS?: number): string[] {
  const args: string[] = [];
  if (s.configFile !== undefined) args.push("-F", s.configFile);
  args.push(
    "-o",
    "BatchMode=yes",
    "-o",
    "ControlMaster=auto",
    "-o",
    `ControlPath=${join(s.controlDir, "%C")}`,
    "-o",
    `ControlPersist=${CONTROL_PERSIST}`,
    "-o",
    `ConnectTimeout=${connectTimeoutS ?? s.connectTimeoutS}`,
    "-o",
    `ServerAliveInterval=${ALIVE_INTERVAL_S}`,
    "-o",
    `ServerAliveCountMax=${ALIVE_COUNT}`,
  );
  if (host.port !== null) args.push("-p", String(host.port));
  if (host.identity !== null) args.push("-i", host.identity);
  return args;
}

/** The fixed remote command: the host's agentmux, then `_remote` and fixed words. */
export function remoteWords(host: Pick<HostRow, "agentmux">, extra: readonly string[]): string[] {
  const cmd = host.agentmux ?? "agentmux";
  checkRemoteCommand(cmd);
  for (const w of extra) {
    if (!/^[A-Za-z0-9_-]+$/.test(w)) {
      throw new AgentmuxError("internal", `Not a fixed remote word: ${show(w)}`);
    }
  }
  return [cmd, "_remote", ...extra];
}

/**
 * argv for one call: `ssh OPTIONS -T DEST agentmux _remote` (or `-t` for a
 * terminal). The request itself goes on stdin.
 */
export function callArgs(
  host: Target & Pick<HostRow, "agentmux">,
  s: SshSettings,
  opts: { tty?: boolean; extra?: readonly string[]; connectTimeoutS?: number } = {},
): string[] {
  checkDest(host.dest);
  return [
    ...baseArgs(host, s, opts.connectTimeoutS),
    opts.tty === true ? "-t" : "-T",
    "--",
    host.dest,
    ...remoteWords(host, opts.extra ?? []),
  ];
}

/** argv that asks the shared connection to end (`ssh -O exit`); harmless when there is none. */
export function exitMasterArgs(host: Target, s: SshSettings): string[] {
  checkDest(host.dest);
  return [...baseArgs(host, s), "-O", "exit", "--", host.dest];
}

/**
 * argv that asks the shared connection to add (or cancel) a forward from a
 * local unix socket to one on the host (the resident server's). Both paths
 * are checked to be plain: no ':' to split the spec, nothing for ssh to expand.
 */
export function forwardArgs(
  host: Target,
  s: SshSettings,
  op: "forward" | "cancel",
  local: string,
  remote: string,
): string[] {
  checkDest(host.dest);
  for (const p of [local, remote]) {
    if (!PLAIN_PATH_RE.test(p)) {
      throw new AgentmuxError("internal", `Not a plain socket path for a forward: ${show(p)}`);
    }
  }
  return [...baseArgs(host, s), "-O", op, "-L", `${local}:${remote}`, "--", host.dest];
}

/** argv that runs a FIXED probe script (no data in it) for `host check`. */
export function probeArgs(host: Target, s: SshSettings, script: string): string[] {
  checkDest(host.dest);
  return [...baseArgs(host, s), "-T", "--", host.dest, script];
}

/** ssh's own failures (unreachable, refused, auth, host key) exit 255; a remote command never does here. */
export const SSH_FAILED = 255;

/** The journal's key for a remote run (session and host names are both [A-Za-z0-9._-]). */
export function journalKey(session: string, host: string, runNo: number): string {
  return `${session}@${host}#${runNo}`;
}
