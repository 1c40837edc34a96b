import { checkHost } from "../../remote/check.js";
import { hostNamed, dropConnection } from "../../remote/call.js";
import { stopResident } from "../../remote/fast.js";
import { checkDest, checkHostName, checkRemoteCommand } from "../../remote/ssh.js";
import { Context } from "../../sessions/context.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, intOption, parse, str } from "../args.js";
import { out, printJson, table } from "../output.js";

const USAGE = `agentmux host add NAME DEST [--port N] [--identity FILE] [--agentmux PATH]
       agentmux host ls [--json]
       agentmux host rm NAME
       agentmux host check NAME [--json]`;

const HELP = `${USAGE}

Remote machines reached over ssh (the system ssh, BatchMode, one shared
connection per host; ~/.ssh/config applies). DEST is user@host or an alias
from ~/.ssh/config. Each host runs agentmux itself; then add --host NAME to
run, loop, ls, status, tail, attach, kill, restart, rm, verify, heartbeat,
doctor, or list every machine with: agentmux ls --all-hosts.

  --port N          ssh port (else ssh's own default or config)
  --identity FILE   private key (else ssh's own default or config)
  --agentmux PATH   agentmux on the host, when a non-interactive shell there
                    does not find it on PATH (e.g. .local/bin/agentmux)`;

export async function main(argv: string[]): Promise<number> {
  const p = parse(
    "host",
    argv,
    { port: { type: "string" }, identity: { type: "string" }, agentmux: { type: "string" } },
    USAGE,
  );
  if (flag(p, "help")) {
    out(HELP);
    return 0;
  }
  const [sub, ...args] = p.positionals;
  const ctx = new Context();
  const json = flag(p, "json");
  const want = (n: number, what: string): string[] => {
    if (args.length !== n) {
      throw new AgentmuxError("usage", `host ${sub ?? ""}: expected ${what}`, {
        hint: `usage: ${USAGE}`,
      });
    }
    return args;
  };
  try {
    switch (sub) {
      case "add": {
        const [name, dest] = want(2, "NAME DEST") as [string, string];
        checkHostName(name);
        checkDest(dest);
        const agentmux = str(p, "agentmux") ?? null;
        if (agentmux !== null) checkRemoteCommand(agentmux);
        const host = ctx.store().addHost({
          name,
          dest,
          port: intOption(p, "port", 1, 65535) ?? null,
          identity: str(p, "identity") ?? null,
          agentmux,
        });
        if (json) printJson(host);
        else out(`added host ${name} (${dest}); check it with: agentmux host check ${name}`);
        return 0;
      }
      case "ls": {
        want(0, "no arguments");
        const hosts = ctx.store().listHosts();
        if (json) printJson(hosts);
        else if (hosts.length === 0) out("no hosts (add one: agentmux host add NAME user@machine)");
        else {
          out(
            table(
              ["NAME", "DEST", "PORT", "IDENTITY", "AGENTMUX"],
              hosts.map((h) => [
                h.name,
                h.dest,
                h.port === null ? "-" : String(h.port),
                h.identity ?? "-",
                h.agentmux ?? "agentmux",
              ]),
            ),
          );
        }
        return 0;
      }
      case "rm": {
        const [name] = want(1, "NAME") as [string];
        const host = hostNamed(ctx, name);
        // Its resident server there leaves now rather than at its idle timeout.
        await stopResident(ctx, host);
        await dropConnection(ctx, host);
        ctx.store().removeHost(name);
        if (json) printJson({ removed: name });
        else out(`removed host ${name} (its sessions there keep running)`);
        return 0;
      }
      case "check": {
        const [name] = want(1, "NAME") as [string];
        const host = hostNamed(ctx, name);
        const items = await checkHost(ctx, host);
        const ok = items.every((i) => i.ok);
        if (json) printJson({ host: name, ok, items });
        else {
          for (const i of items) {
            out(`${i.ok ? "ok  " : "FAIL"}  ${i.name.padEnd(9)} ${i.detail}`);
            if (i.fix) out(`      ${"".padEnd(9)} fix: ${i.fix}`);
          }
        }
        return ok ? 0 : 1;
      }
      default:
        throw new AgentmuxError(
          "usage",
          `Expected host add, ls, rm or check, got ${show(sub ?? "")}`,
          {
            hint: `usage: ${USAGE}`,
          },
        );
    }
  } finally {
    ctx.close();
  }
}
