// Simulated remote hosts on this machine, for the remote tests and bench:
// per host a network namespace joined by a veth pair to ONE client
// namespace, both ends addressed from a /30 that exists only inside those
// namespaces, an sshd inside the host's namespace (its own config, host key
// and address; started as a child, stopped by pid) and a user of its own
// (own home, so its own tmux socket and agentmux state), with agentmux on
// its PATH (a wrapper to this checkout's dist/bin/main.js). The local side
// reaches the hosts through AGENTMUX_SSH, an ssh wrapper that runs inside
// the client namespace, and AGENTMUX_SSH_CONFIG, a config file that names
// each host and pins its key. Nothing here sends traffic anywhere else.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SIM_MAIN_JS = join(ROOT, "dist", "bin", "main.js");
const SSHD = "/usr/sbin/sshd";

/** Why simulated hosts cannot run here, or null when they can. */
export function simHostsUnavailable() {
  if (process.getuid?.() !== 0) return "needs root (network namespaces, users)";
  if (!existsSync(SSHD)) return `no ${SSHD} (apt install openssh-server)`;
  try {
    execFileSync("ip", ["-V"], { stdio: "ignore" });
    execFileSync("ssh", ["-V"], { stdio: "ignore" });
  } catch {
    return "no ip or ssh (apt install iproute2 openssh-client)";
  }
  return null;
}

const sh = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", ...opts });

function waitFor(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/** Pids of processes owned by uid (from /proc). */
export function pidsOfUid(uid) {
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, "utf8");
      const m = /^Uid:\s+(\d+)/m.exec(status);
      if (m && Number(m[1]) === uid) out.push(Number(name));
    } catch {
      // exited during the scan
    }
  }
  return out;
}

/** Pids of every descendant of pid (from /proc). */
function descendants(pid) {
  const kids = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = kids.get(ppid) ?? [];
      list.push(Number(name));
      kids.set(ppid, list);
    } catch {
      // exited during the scan
    }
  }
  const out = [];
  const walk = (p) => {
    for (const k of kids.get(p) ?? []) {
      out.push(k);
      walk(k);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
};

/**
 * Create `count` hosts named h0, h1, ... Returns the world; call
 * `teardown()` in a finally/afterAll (it never throws and undoes whatever
 * part was made).
 */
export async function createSimHosts(count) {
  const id = randomBytes(2).toString("hex");
  const dir = mkdtempSync(join(tmpdir(), `amx-sim-${id}-`));
  chmodSync(dir, 0o755); // the hosts' users live below it
  const clientNs = `amx${id}c`;
  // One random /24 of 10.x per world: every address in it exists only in these namespaces.
  const net = `10.${200 + (randomBytes(1)[0] % 50)}.${randomBytes(1)[0]}`;
  const undo = [];
  const world = {
    dir,
    clientNs,
    hosts: [],
    sshWrapper: join(dir, "ssh"),
    sshConfig: join(dir, "ssh_config"),
    env: {},
    undo,
  };
  const teardown = async () => {
    for (const fn of undo.reverse()) {
      try {
        await fn();
      } catch {
        // best effort: the rest of the teardown still runs
      }
    }
    undo.length = 0;
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
  world.teardown = teardown;
  try {
    sh("ip", ["netns", "add", clientNs]);
    undo.push(() => sh("ip", ["netns", "del", clientNs]));
    sh("ip", ["-n", clientNs, "link", "set", "lo", "up"]);
    mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_key")]);
    writeFileSync(world.sshWrapper, `#!/bin/sh\nexec ip netns exec ${clientNs} ssh "$@"\n`, {
      mode: 0o755,
    });
    const known = [];
    const config = [];
    for (let i = 0; i < count; i++) {
      if (i > 60) throw new Error("at most 60 simulated hosts");
      const name = `h${i}`;
      const ns = `amx${id}h${i}`;
      const user = `amx${id}u${i}`;
      const vc = `ax${id}c${i}`;
      const vh = `ax${id}h${i}`;
      const clientAddr = `${net}.${4 * i + 1}`;
      const addr = `${net}.${4 * i + 2}`;
      const home = join(dir, name);
      sh("ip", ["netns", "add", ns]);
      undo.push(() => sh("ip", ["netns", "del", ns]));
      sh("ip", ["link", "add", vc, "type", "veth", "peer", "name", vh]);
      sh("ip", ["link", "set", vc, "netns", clientNs]);
      sh("ip", ["link", "set", vh, "netns", ns]);
      sh("ip", ["-n", clientNs, "addr", "add", `${clientAddr}/30`, "dev", vc]);
      sh("ip", ["-n", ns, "addr", "add", `${addr}/30`, "dev", vh]);
      sh("ip", ["-n", clientNs, "link", "set", vc, "up"]);
      sh("ip", ["-n", ns, "link", "set", vh, "up"]);
      sh("ip", ["-n", ns, "link", "set", "lo", "up"]);
      sh("useradd", ["-M", "-d", home, "-s", "/bin/bash", user]);
      undo.push(() => {
        const uid = Number(sh("id", ["-u", user]).trim());
        for (const pid of pidsOfUid(uid)) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // gone
          }
        }
        return waitFor(() => pidsOfUid(uid).length === 0, `${user}'s processes`, 5_000)
          .catch(() => undefined)
          .then(() => sh("userdel", ["-f", user]));
      });
      sh("usermod", ["-p", "*", user]);
      mkdirSync(join(home, ".ssh"), { recursive: true });
      mkdirSync(join(home, "bin"));
      writeFileSync(
        join(home, ".ssh", "authorized_keys"),
        readFileSync(join(dir, "client_key.pub")),
      );
      writeFileSync(
        join(home, "bin", "agentmux"),
        `#!/bin/sh\nexec ${process.execPath} ${SIM_MAIN_JS} "$@"\n`,
        { mode: 0o755 },
      );
      writeFileSync(
        join(home, ".bashrc"),
        [
          'export PATH="$HOME/bin:$PATH"',
          'export AGENTMUX_CONFIG="$HOME/config.json"',
          "export GIT_AUTHOR_NAME=sim GIT_AUTHOR_EMAIL=sim@agentmux.invalid",
          "export GIT_COMMITTER_NAME=sim GIT_COMMITTER_EMAIL=sim@agentmux.invalid",
          "",
        ].join("\n"),
      );
      // The host's own agentmux: no desktop, and its monitor only when asked
      // (an autostarted watch there would outlive the test's processes).
      writeFileSync(
        join(home, "config.json"),
        JSON.stringify({ killGraceSeconds: 1, notify: { desktop: false }, monitor: false }),
      );
      mkdirSync(join(home, "proj"));
      sh("chown", ["-R", `${user}:${user}`, home]);
      sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, `${name}_hostkey`)]);
      const hostPub = readFileSync(join(dir, `${name}_hostkey.pub`), "utf8").split(" ");
      known.push(`${addr} ${hostPub[0]} ${hostPub[1]}`);
      const sshdConfig = join(dir, `${name}_sshd_config`);
      writeFileSync(
        sshdConfig,
        [
          `ListenAddress ${addr}`,
          "Port 22",
          `HostKey ${join(dir, `${name}_hostkey`)}`,
          "PidFile none",
          "UsePAM no",
          "PasswordAuthentication no",
          "KbdInteractiveAuthentication no",
          "PubkeyAuthentication yes",
          "AuthorizedKeysFile .ssh/authorized_keys",
          "StrictModes no",
          `AllowUsers ${user}`,
          "MaxSessions 100",
          "MaxStartups 100",
          "LogLevel VERBOSE",
          "",
        ].join("\n"),
      );
      sh(SSHD, ["-t", "-f", sshdConfig]);
      config.push(
        `Host ${name}`,
        `  HostName ${addr}`,
        `  User ${user}`,
        `  IdentityFile ${join(dir, "client_key")}`,
        `  UserKnownHostsFile ${join(dir, "known_hosts")}`,
        "  GlobalKnownHostsFile /dev/null",
        "  StrictHostKeyChecking yes",
        "",
      );
      const host = {
        name,
        ns,
        user,
        uid: Number(sh("id", ["-u", user]).trim()),
        home,
        addr,
        vethHost: vh,
        clientNs,
        vethClient: vc,
        sshdConfig,
        log: join(dir, `${name}_sshd.log`),
        sshdPid: null,
      };
      world.hosts.push(host);
      undo.push(() => stopSshd(host));
    }
    writeFileSync(join(dir, "known_hosts"), `${known.join("\n")}\n`);
    writeFileSync(world.sshConfig, config.join("\n"));
    world.env = { AGENTMUX_SSH: world.sshWrapper, AGENTMUX_SSH_CONFIG: world.sshConfig };
    for (const h of world.hosts) await startSshd(h);
    return world;
  } catch (e) {
    await teardown();
    throw e;
  }
}

/** Start the host's sshd (a child of this process, in the host's namespace). */
export async function startSshd(host) {
  const child = spawn("ip", ["netns", "exec", host.ns, SSHD, "-D", "-e", "-f", host.sshdConfig], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  // `ip netns exec` execs sshd: the child's pid is sshd's.
  host.sshdPid = child.pid;
  child.stderr.on("data", (b) => writeFileSync(host.log, b, { flag: "a" }));
  child.unref();
  child.stderr.unref?.();
  await waitFor(
    () => existsSync(host.log) && readFileSync(host.log, "utf8").includes("Server listening"),
    `sshd of ${host.name}`,
  );
}

/** Stop the host's sshd and every connection it serves (by pid: the listener and its children). */
export async function stopSshd(host) {
  const pid = host.sshdPid;
  if (pid === null) return;
  host.sshdPid = null;
  const all = [pid, ...descendants(pid)];
  for (const p of all) {
    try {
      process.kill(p, "SIGTERM");
    } catch {
      // gone
    }
  }
  await waitFor(() => !alive(pid), `sshd ${pid} to stop`, 5_000).catch(() => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  });
}

/** Successful logins the host's sshd logged (one per new ssh connection). */
export function sshdLogins(host) {
  if (!existsSync(host.log)) return 0;
  return (readFileSync(host.log, "utf8").match(/Accepted publickey/g) ?? []).length;
}

/**
 * Commands sshd started for the host's user (LogLevel VERBOSE logs one line
 * per exec session): each is a login shell and, for `agentmux _remote`, a
 * Node start there. A request over a forward to the resident server starts none.
 */
export function sshdSessions(host) {
  if (!existsSync(host.log)) return 0;
  return (readFileSync(host.log, "utf8").match(/Starting session: command/g) ?? []).length;
}

/** The host user's processes whose argv contains all of `words`, as [pid, argv] pairs. */
export function processesOf(host, words) {
  const out = [];
  for (const pid of pidsOfUid(host.uid)) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      if (words.every((w) => argv.includes(w))) out.push([pid, argv]);
    } catch {
      // exited during the scan
    }
  }
  return out;
}

export function linkDown(host) {
  sh("ip", ["-n", host.ns, "link", "set", host.vethHost, "down"]);
}

/**
 * Bring the link back and wait until it carries packets: the kernel reports
 * carrier on both ends asynchronously (linkwatch, up to a second later), and
 * a connection tried before that fails with "No route to host".
 */
export async function linkUp(host) {
  sh("ip", ["-n", host.ns, "link", "set", host.vethHost, "up"]);
  const carrier = (ns, dev) => {
    const line = sh("ip", ["-n", ns, "-o", "link", "show", "dev", dev]);
    return line.includes("LOWER_UP") && !line.includes("NO-CARRIER");
  };
  await waitFor(
    () => carrier(host.ns, host.vethHost) && carrier(host.clientNs, host.vethClient),
    `carrier on the link to ${host.name}`,
    10_000,
  );
  // Neighbour entries that failed while the link was down are forgotten, so
  // the next connection resolves the address afresh instead of failing at once.
  sh("ip", ["-n", host.clientNs, "neigh", "flush", "dev", host.vethClient]);
}

/** Run a command as the host's user, in its namespace, with its own environment (its own agentmux, directly). */
export function asHostUser(host, argv, input) {
  return execFileSync(
    "ip",
    [
      "netns",
      "exec",
      host.ns,
      "runuser",
      "-u",
      host.user,
      "--",
      "env",
      "-i",
      `HOME=${host.home}`,
      `PATH=${host.home}/bin:/usr/local/bin:/usr/bin:/bin`,
      `AGENTMUX_CONFIG=${host.home}/config.json`,
      "GIT_AUTHOR_NAME=sim",
      "GIT_AUTHOR_EMAIL=sim@agentmux.invalid",
      "GIT_COMMITTER_NAME=sim",
      "GIT_COMMITTER_EMAIL=sim@agentmux.invalid",
      ...argv,
    ],
    { encoding: "utf8", input, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] },
  );
}
