import { doctor } from "../../api/monitor.js";
import { AgentmuxError } from "../../util/errors.js";
import { flag, parse, str } from "../args.js";
import { out, printJson } from "../output.js";

const USAGE = "agentmux doctor [--json] [--socket PATH]";

const HELP = `${USAGE}

Checks what agentmux depends on and says how to fix each problem:
  tmux version (3.2+), the socket directory (0700, yours), a stale socket,
  whether the tmux server would die with a systemd service, perl, the agent
  CLIs (versions, flag compatibility, claude as root), codex login status,
  the config, the store, the journal directory, and whether the monitor runs.
Exit status 0 when everything is fine, 1 otherwise. See docs/doctor.md.`;

export async function main(argv: string[]): Promise<number> {
  const p = parse("doctor", argv, {}, USAGE);
  if (flag(p, "help")) {
    out(HELP);
    return 0;
  }
  if (p.positionals.length > 0) {
    throw new AgentmuxError(
      "usage",
      `doctor takes no arguments, got ${JSON.stringify(p.positionals[0])}`,
      {
        hint: `usage: ${USAGE}`,
      },
    );
  }
  const socket = str(p, "socket");
  const { ok, checks } = await doctor(socket !== undefined ? { socket } : {});
  if (flag(p, "json")) {
    printJson({ ok, checks });
  } else {
    const lines = checks.flatMap((c) => [
      `${c.ok ? "ok  " : "FAIL"}  ${c.name}: ${c.detail}`,
      ...(c.ok || c.fix === undefined ? [] : [`      fix: ${c.fix}`]),
    ]);
    const problems = checks.filter((c) => !c.ok).length;
    lines.push("", problems === 0 ? "All checks passed." : `${problems} problem(s) found.`);
    out(lines.join("\n"));
  }
  return ok ? 0 : 1;
}
