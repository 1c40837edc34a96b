import { readFileSync } from "node:fs";
import { lstat, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { tmuxVersion } from "../tmux/version.js";
import { TmuxClient } from "../tmux/client.js";
import { owningService } from "./cgroup.js";
import { fail, pass, type DoctorCheck, type DoctorInput } from "./types.js";

/** tmux 3.2 added what agentmux relies on (e.g. `new-session -e`, pane_dead_signal formats). */
export const MIN_TMUX: readonly [number, number] = [3, 2];

/** "tmux 3.3a" -> [3, 3]; "tmux next-3.4" -> [3, 4]; null for "tmux master" and the like. */
export function parseTmuxVersion(text: string): [number, number] | null {
  const m = /(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export async function checkTmuxVersion(input: DoctorInput): Promise<DoctorCheck> {
  const name = "tmux";
  const text = await tmuxVersion(input.env);
  if (text === null) {
    return fail(
      name,
      "tmux was not found on PATH",
      "install tmux 3.2 or newer (apt-get install tmux, brew install tmux)",
    );
  }
  const v = parseTmuxVersion(text);
  if (v === null) return pass(name, `${text} (a development build; assumed new enough)`);
  const [major, minor] = v;
  if (major > MIN_TMUX[0] || (major === MIN_TMUX[0] && minor >= MIN_TMUX[1]))
    return pass(name, text);
  return fail(name, `${text} is older than ${MIN_TMUX.join(".")}`, "install tmux 3.2 or newer");
}

/** The socket's directory: 0700 and ours, or another user could reach or replace the socket. */
export async function checkSocketDir(input: DoctorInput): Promise<DoctorCheck> {
  const name = "socket directory";
  const dir = dirname(input.socket);
  const st = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error) {
    if (st.code === "ENOENT")
      return pass(name, `${dir} does not exist yet; agentmux creates it 0700`);
    return fail(
      name,
      `${dir} cannot be read: ${st.message}`,
      `pick another socket (--socket or $AGENTMUX_SOCKET)`,
    );
  }
  if (!st.isDirectory())
    return fail(
      name,
      `${dir} is not a directory`,
      "pick another socket (--socket or $AGENTMUX_SOCKET)",
    );
  const uid = typeof process.getuid === "function" ? process.getuid() : null;
  if (uid !== null && st.uid !== uid) {
    return fail(
      name,
      `${dir} belongs to uid ${st.uid}, not to you (uid ${uid})`,
      `use a socket in a directory of your own, e.g. --socket ~/.tmux/sock`,
    );
  }
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return fail(
      name,
      `${dir} has mode ${mode.toString(8).padStart(4, "0")}; others could reach or replace the socket`,
      // A shared directory such as /tmp (sticky, world-writable) must stay as
      // it is: the socket belongs in a directory of its own instead.
      (st.mode & 0o1000) !== 0 || (mode & 0o002) !== 0
        ? `use a socket in a private directory, e.g. --socket ~/.tmux/sock (agentmux creates it 0700); never chmod a shared ${dir}`
        : `chmod 700 ${dir}`,
    );
  }
  return pass(name, `${dir} (0700, yours)`);
}

/** A socket file with no server behind it: the server died, and its sessions with it. */
export async function checkStaleSocket(input: DoctorInput): Promise<DoctorCheck> {
  const name = "tmux server";
  const st = await lstat(input.socket).catch(() => null);
  if (st === null) return pass(name, `no server on ${input.socket} (started on first run)`);
  if (!st.isSocket()) {
    return fail(
      name,
      `${input.socket} exists but is not a socket`,
      `move it aside, or pick another socket (--socket or $AGENTMUX_SOCKET)`,
    );
  }
  const pid = await new TmuxClient(input.socket, { env: input.env }).serverPid().catch(() => null);
  if (pid !== null) return pass(name, `running on ${input.socket} (pid ${pid})`);
  return fail(
    name,
    `${input.socket} is stale: the file exists but no tmux server answers (it died, with its sessions)`,
    `agentmux heartbeat records those runs as lost; then rm ${input.socket} (tmux also replaces it on its next start)`,
  );
}

function readCgroupFile(pid: number | "self"): string | null {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, "utf8");
  } catch {
    return null; // not Linux, or the process is gone
  }
}

/** Would the tmux server die with the systemd service that started it? */
export async function checkServerLifetime(input: DoctorInput): Promise<DoctorCheck> {
  const name = "server lifetime";
  const read = input.readCgroup ?? readCgroupFile;
  const pid = await new TmuxClient(input.socket, { env: input.env }).serverPid().catch(() => null);
  const text = read(pid ?? "self");
  if (text === null) return pass(name, "no cgroup information (not Linux): not checked");
  const service = owningService(text);
  const fix = `start the server outside the service, before any session: systemd-run --user --scope tmux -S ${input.socket} new -d`;
  if (pid !== null) {
    if (service === null)
      return pass(name, `the tmux server (pid ${pid}) is not part of a systemd service`);
    return fail(
      name,
      `the tmux server (pid ${pid}) runs inside ${service}: stopping or restarting that service kills it and every agent`,
      `end its sessions, then: tmux -S ${input.socket} kill-server; ${fix}`,
    );
  }
  if (service === null)
    return pass(name, "a server started from here would not belong to a systemd service");
  return fail(
    name,
    `this process runs inside ${service}: a tmux server agentmux starts from here would die with it`,
    fix,
  );
}
