import type { CommandDecl, OptionDecl } from "../options/types.js";

export const host: CommandDecl = {
  name: "host",
  summary: "remote hosts over ssh: add, ls, rm, check",
  positionals: [
    { name: "add|ls|rm|check", choices: ["add", "ls", "rm", "check"] },
    { name: "args", optional: true, variadic: true },
  ],
  description: `Remote machines reached over ssh (the system ssh, BatchMode, one shared
connection per host; ~/.ssh/config applies). DEST is user@host or an alias
from ~/.ssh/config. Each host runs agentmux itself; then add --host NAME to
run, loop, ls, status, tail, attach, kill, restart, rm, verify, wait,
heartbeat, doctor, or list every machine with: agentmux ls --all-hosts.
  agentmux host add NAME DEST [--port N] [--identity FILE] [--agentmux PATH]
  agentmux host ls | rm NAME | check NAME
See docs/remote.md.`,
  options: [
    {
      long: "port",
      type: "string",
      value: "N",
      description: "ssh port (else ssh's own default or config)",
    },
    {
      long: "identity",
      type: "string",
      value: "FILE",
      description: "private key (else ssh's own default or config)",
      complete: "file",
    },
    {
      long: "agentmux",
      type: "string",
      value: "PATH",
      description: "agentmux on the host, when a non-interactive shell there does not find it",
    },
  ],
};

/** Run on a host over ssh: one JSON request on stdin, JSON on stdout (remote/protocol.ts). */
export const remoteServe: CommandDecl = {
  name: "_remote",
  summary: "internal: serve one request from another machine's agentmux",
  positionals: [],
  description:
    "Run over ssh by another machine's agentmux; reads one JSON request on stdin. `_remote --serve` is the host's resident server (remote/resident.ts).",
  options: [],
  internal: true,
};

/** `--host NAME`: the same command on a remote host (remote/, docs/remote.md). */
export const HOST_OPTION: OptionDecl = {
  long: "host",
  type: "string",
  value: "NAME",
  description: "run it on a remote host added with agentmux host add (docs/remote.md)",
};
