import { AgentmuxError } from "../util/errors.js";

/**
 * Pure argv surgery for commands sent to a host: take `--host NAME` out,
 * and keep the notification flags of `run`/`loop` here (a remote run is
 * reported on this machine, through this machine's channels).
 */

/** The part of argv that holds options (before a standalone `--`) and the verbatim rest. */
function split(argv: readonly string[]): { head: string[]; tail: string[] } {
  const dd = argv.indexOf("--");
  return dd === -1
    ? { head: [...argv], tail: [] }
    : { head: argv.slice(0, dd), tail: argv.slice(dd) };
}

/** `--host NAME` / `--host=NAME` taken out; null when argv names no host. */
export function takeHost(argv: readonly string[]): { host: string; argv: string[] } | null {
  const { head, tail } = split(argv);
  let host: string | null = null;
  const kept: string[] = [];
  for (let i = 0; i < head.length; i++) {
    const a = head[i] as string;
    if (a === "--host") {
      const v = head[i + 1];
      if (v === undefined || v.startsWith("-")) {
        throw new AgentmuxError("usage", "--host needs a host name", {
          hint: "agentmux host ls lists the hosts",
        });
      }
      host = v;
      i++;
    } else if (a.startsWith("--host=")) {
      host = a.slice("--host=".length);
    } else kept.push(a);
  }
  return host === null ? null : { host, argv: [...kept, ...tail] };
}

/** True when argv (before `--`) has this flag. */
export function hasFlag(argv: readonly string[], name: string): boolean {
  return split(argv).head.some((a) => a === name || a.startsWith(`${name}=`));
}

export interface LocalNotify {
  notifyCommands: string[];
  openclaw: boolean;
  webhooks: string[];
  desktop?: boolean;
  noNotify: boolean;
  journalDir?: string;
}

const VALUED = new Set(["--notify-cmd", "--notify", "--webhook", "--journal"]);
const BOOLS = new Set(["--desktop", "--no-desktop", "--no-notify"]);

/**
 * The notification and journal flags, taken out of a `run`/`loop` argv.
 * The remote side gets `--no-notify` instead: its own channels would tell
 * the wrong machine.
 */
export function takeNotify(argv: readonly string[]): { notify: LocalNotify; argv: string[] } {
  const { head, tail } = split(argv);
  const notify: LocalNotify = {
    notifyCommands: [],
    openclaw: false,
    webhooks: [],
    noNotify: false,
  };
  const kept: string[] = [];
  const set = (flag: string, value: string): void => {
    if (flag === "--notify-cmd") notify.notifyCommands.push(value);
    else if (flag === "--webhook") notify.webhooks.push(value);
    else if (flag === "--journal") notify.journalDir = value;
    else if (value === "openclaw") notify.openclaw = true;
    else {
      throw new AgentmuxError("usage", `Expected --notify openclaw, got ${JSON.stringify(value)}`, {
        hint: "for any other command use --notify-cmd 'command {summary}'",
      });
    }
  };
  for (let i = 0; i < head.length; i++) {
    const a = head[i] as string;
    const eq = a.indexOf("=");
    const name = a.startsWith("--") && eq !== -1 ? a.slice(0, eq) : a;
    if (VALUED.has(name)) {
      const value = eq !== -1 && name !== a ? a.slice(eq + 1) : head[++i];
      if (value === undefined) throw new AgentmuxError("usage", `${name} needs a value`);
      set(name, value);
    } else if (BOOLS.has(a)) {
      if (a === "--desktop") notify.desktop = true;
      else if (a === "--no-desktop") notify.desktop = false;
      else notify.noNotify = true;
    } else kept.push(a);
  }
  return { notify, argv: [...kept, "--no-notify", ...tail] };
}
