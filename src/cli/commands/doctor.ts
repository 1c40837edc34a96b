import { doctor } from "../../api/monitor.js";
import { AgentmuxError } from "../../util/errors.js";
import { flag, parseDeclared, str, usageOf } from "../args.js";
import { doctor as doctorDecl } from "../declarations/doctor.js";
import { out, printJson } from "../output.js";

const USAGE = usageOf(doctorDecl);

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(doctorDecl, argv);
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
