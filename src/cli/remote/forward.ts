import { resolveJournalDir } from "../../config/config.js";
import { journalStart } from "../../journal/journal.js";
import { monitorFor } from "../../api/monitor-start.js";
import { reportMonitor } from "../launched.js";
import { printJson, printJsonText } from "../output.js";
import { runInteractive } from "../../process/run.js";
import { Context } from "../../sessions/context.js";
import { notifySettings } from "../../sessions/launch.js";
import type { StatusJson } from "../../sessions/view.js";
import type { HostRow } from "../../store/hosts.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { hasFlag, takeNotify } from "../../remote/argv.js";
import { callHost, hostNamed, settingsFor, transportError } from "../../remote/call.js";
import { callQuick } from "../../remote/fast.js";
import { isQuickCommand, streams } from "./quick.js";
import { PROTOCOL_VERSION, REMOTE_COMMANDS } from "../../remote/protocol.js";
import { callArgs, journalKey } from "../../remote/ssh.js";
import { takeFleetSlot } from "./fleet-slot.js";

/**
 * `agentmux CMD ... --host NAME`: the same command, run by agentmux on that
 * host over its shared ssh connection, with the same output and exit code.
 * Paths (--cwd, --prd, --socket) are the host's. Runs that start there are
 * followed from here: their end is reported through this machine's
 * notification channels and journal (remote/follow.ts).
 */
export async function forward(command: string, hostName: string, argv: string[]): Promise<number> {
  const ctx = new Context();
  try {
    const host = hostNamed(ctx, hostName);
    if (command === "attach") return await attachRemote(ctx, host, argv);
    if (!(REMOTE_COMMANDS as readonly string[]).includes(command)) {
      throw new AgentmuxError("usage", `${command} does not take --host`, {
        hint: `--host works with ${REMOTE_COMMANDS.join(", ")} and attach`,
      });
    }
    if (command === "run" || command === "loop" || command === "restart") {
      return await launchRemote(ctx, host, command, argv);
    }
    // Output streams through as it comes (tail -f); a follower has no deadline.
    // Short commands are answered by the host's resident server when it is up.
    // The host prints --json on one line (its stdout is no terminal): at a
    // terminal here it is indented, as a local command's would be.
    const indent = hasFlag(argv, "--json") && process.stdout.isTTY && !streams(command, argv);
    const stdout = indent ? "capture" : "inherit";
    const req = { v: PROTOCOL_VERSION, op: "cli" as const, argv: [command, ...argv] };
    const r = isQuickCommand(command, argv)
      ? await callQuick(ctx, host, req, { stdout })
      : await callHost(ctx, host, req, { stdout });
    const e = transportError(host, r);
    if (e) throw e;
    if (indent) printJsonText(r.stdout);
    return r.exitCode ?? 1;
  } finally {
    ctx.close();
  }
}

/** run, loop, restart: started there, followed from here. */
async function launchRemote(
  ctx: Context,
  host: HostRow,
  command: string,
  argv: string[],
): Promise<number> {
  const json = hasFlag(argv, "--json");
  let sent = argv;
  let notify = notifySettings(ctx, { notifyCommands: [], openclaw: false, webhooks: [] });
  let journalDir = resolveJournalDir(undefined, ctx.config(), ctx.env);
  if (command !== "restart" && !hasFlag(argv, "--help")) {
    if (!hasFlag(argv, "--cwd")) {
      throw new AgentmuxError("usage", `${command} --host ${host.name} needs --cwd DIR`, {
        hint: `the directory on ${host.name}; a relative one is taken from the home there, e.g. --cwd src/app`,
      });
    }
    const taken = takeNotify(argv);
    sent = taken.argv;
    // Validated by the same code as a local launch, against this machine's config.
    notify = notifySettings(ctx, taken.notify);
    journalDir = resolveJournalDir(taken.notify.journalDir, ctx.config(), ctx.env);
  }
  if (hasFlag(argv, "--help")) {
    const r = await callHost(
      ctx,
      host,
      { v: PROTOCOL_VERSION, op: "cli", argv: [command, ...sent] },
      { stdout: "inherit" },
    );
    const e = transportError(host, r);
    if (e) throw e;
    return r.exitCode ?? 1;
  }
  // The account's limits across hosts, coordinated here (cli/remote/fleet-slot.ts).
  // A loop, as locally, takes no slot itself: its iterations do, on the host.
  if (command === "run" || command === "restart") await takeFleetSlot(ctx, host, command, sent);
  const withJson = json ? sent : insertBeforeRest(sent, "--json");
  const r = await callHost(
    ctx,
    host,
    { v: PROTOCOL_VERSION, op: "cli", argv: [command, ...withJson] },
    { stdout: "capture" },
  );
  const e = transportError(host, r);
  if (e) throw e;
  if (r.exitCode !== 0) {
    // The remote error, in JSON when asked for (its human line went to stderr already).
    if (json) process.stdout.write(r.stdout);
    return r.exitCode ?? 1;
  }
  let status: StatusJson;
  try {
    status = JSON.parse(r.stdout) as StatusJson;
  } catch {
    throw new AgentmuxError(
      "remote",
      `${host.name}: unexpected answer to ${command}: ${show(r.stdout.slice(0, 200))}`,
      { hint: `agentmux host check ${host.name} compares the versions` },
    );
  }
  if (status.run !== null) {
    ctx.store().addRemoteWatch({
      host: host.name,
      session: status.name,
      runNo: status.run,
      notify,
      journalDir: journalDir ?? null,
    });
    if (journalDir !== undefined) {
      await journalStart(journalDir, {
        runKey: journalKey(status.name, host.name, status.run),
        name: `${status.name} on ${host.name}`,
        agent: status.agent,
        cwd: status.cwd ?? "-",
        command: status.command ?? status.agent,
        startedAt: new Date(status.startedAt ?? Date.now()),
      }).catch((e: unknown) => {
        process.stderr.write(`agentmux: warning: journal: ${(e as Error).message}\n`);
      });
    }
    // This machine's monitor holds the host's event channel and reports the end.
    reportMonitor(ctx, { status, ...monitorFor(ctx) }, json);
  }
  if (json) printJson(status);
  else {
    process.stdout.write(
      [
        `started ${status.name} (${status.agent}) on ${host.name} in ${status.cwd ?? "-"} — run ${status.run ?? "-"}`,
        `  follow:  agentmux tail ${status.name} -f --host ${host.name}`,
        `  attach:  agentmux attach ${status.name} --host ${host.name}`,
        `  status:  agentmux status ${status.name} --host ${host.name}`,
        "",
      ].join("\n"),
    );
  }
  return 0;
}

function insertBeforeRest(argv: readonly string[], word: string): string[] {
  const dd = argv.indexOf("--");
  return dd === -1 ? [...argv, word] : [...argv.slice(0, dd), word, ...argv.slice(dd)];
}

/** attach: the terminal is ssh's (-t); the session is named by its id there. */
async function attachRemote(ctx: Context, host: HostRow, argv: string[]): Promise<number> {
  const name = argv.find((a) => !a.startsWith("-"));
  if (name === undefined) {
    throw new AgentmuxError("usage", "missing the session name", {
      hint: "usage: agentmux attach <name> --host HOST",
    });
  }
  const r = await callQuick(
    ctx,
    host,
    { v: PROTOCOL_VERSION, op: "session-id", name },
    { stdout: "capture", echoStderr: false, timeoutMs: 30_000 },
  );
  const e = transportError(host, r);
  if (e) throw e;
  const answer = JSON.parse(r.stdout || "{}") as {
    id?: number;
    error?: { code: string; message: string; hint?: string };
  };
  if (answer.id === undefined) {
    throw new AgentmuxError("not-found", answer.error?.message ?? `No session ${show(name)}`, {
      hint: answer.error?.hint ?? `agentmux ls --host ${host.name}`,
    });
  }
  const s = settingsFor(ctx);
  const args = callArgs(host, s, { tty: true, extra: ["--attach", String(answer.id)] });
  if (hasFlag(argv, "--json")) {
    printJson({ name, host: host.name, argv: [s.program, ...args] });
    return 0;
  }
  return runInteractive(s.program, args, { env: ctx.env });
}
