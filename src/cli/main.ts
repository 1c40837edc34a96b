#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { isAgentmuxError } from "../util/errors.js";
import { err, out } from "./output.js";

/**
 * Entry point: picks the command and loads only its module, so `agentmux ls`
 * never pays for what `agentmux run` needs. The only place that exits.
 */
const COMMANDS: Record<string, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  run: () => import("./commands/run.js"),
  loop: () => import("./commands/loop.js"),
  ls: () => import("./commands/ls.js"),
  status: () => import("./commands/status.js"),
  wait: () => import("./commands/wait.js"),
  tail: () => import("./commands/tail.js"),
  attach: () => import("./commands/attach.js"),
  kill: () => import("./commands/kill.js"),
  restart: () => import("./commands/restart.js"),
  rm: () => import("./commands/rm.js"),
  verify: () => import("./commands/verify.js"),
  usage: () => import("./commands/usage.js"),
  demo: () => import("./commands/demo.js"),
  doctor: () => import("./commands/doctor.js"),
  heartbeat: () => import("./commands/heartbeat.js"),
  watch: () => import("./commands/watch.js"),
  mcp: () => import("./commands/mcp.js"),
  host: () => import("./commands/host.js"),
  _remote: () => import("./commands/remote-serve.js"),
  _finish: () => import("./commands/finish.js"),
  _loop: () => import("./commands/loop-driver.js"),
};

export const HELP = `agentmux — run AI coding agents in persistent tmux sessions, and know how they ended

Usage:
  agentmux run <codex|claude|ralphy|cmd|demo> [prompt] [options] [-- extra args]
  agentmux loop --prd PRD.md [--agent codex|claude|cmd|demo] [--check 'CMD'] [options]
                                       work a PRD checklist item by item, each verified with git
  agentmux ls [--all]                  sessions on the socket (agentmux's and foreign ones)
  agentmux status <name>               state, exit, evidence, verdict, diagnosis
  agentmux wait <name> [--timeout DUR] until the current run ends; exit status says how
  agentmux tail <name> [-n N] [-f]     the session's output
  agentmux attach <name>               attach to its tmux session
  agentmux kill <name>                 stop it (TERM, grace, KILL); output stays readable
  agentmux restart <name>              same agent, argv, cwd, env and prompt; a new run
  agentmux rm <name> [--purge]         remove a finished session
  agentmux verify <name>               re-check with git what the latest run changed
  agentmux usage [--since DUR] [--by session|agent|day]   tokens and cost the agents reported
  agentmux heartbeat [--restart]       one monitor pass: lost, orphans, stalls, restarts (cron)
  agentmux watch                       the monitor, continuously (events, not polling)
  agentmux mcp [--allow-destructive]   MCP server on stdio for AI assistants (docs/mcp.md)
  agentmux demo                        try it with the built-in demo agent (no API key)
  agentmux doctor                      check tmux, agents, login, store, monitor; says how to fix
  agentmux host add|ls|rm|check        remote hosts over ssh; then --host NAME on most commands,
                                       and ls --all-hosts (docs/remote.md)

Every command takes --json and --socket PATH (default ~/.tmux/sock, or $AGENTMUX_SOCKET).
State: $AGENTMUX_HOME (default ~/.local/state/agentmux). Docs: docs/ and README.md.
Run "agentmux <command> --help" for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    out(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-v" || command === "version") {
    const pkg = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    out(pkg.version);
    return 0;
  }
  const load = COMMANDS[command];
  if (!load) {
    err(
      `agentmux: unknown command ${JSON.stringify(command)}\nhint: agentmux --help lists the commands`,
    );
    return 2;
  }
  // --host NAME / --all-hosts: the same command on other machines (remote/).
  if (rest.some((a) => a === "--host" || a.startsWith("--host=") || a === "--all-hosts")) {
    const code = await (await import("../remote/dispatch.js")).dispatch(command, rest);
    if (code !== null) return code;
  }
  const mod = await load();
  return mod.main(rest);
}

// A reader that goes away (`agentmux ls | head`, a pane that closed) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE" && e.code !== "EIO") throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const json = process.argv.includes("--json");
    if (isAgentmuxError(e)) {
      if (json) out(JSON.stringify({ error: e.toJSON() }));
      err(`agentmux: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ""}`);
      process.exitCode = e.code === "usage" ? 2 : 1;
    } else {
      if (json) out(JSON.stringify({ error: { code: "internal", message: String(e) } }));
      err(`agentmux: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 70;
    }
  },
);
