import { loopWith, type LoopInput } from "../../api/launch.js";
import { Context } from "../../sessions/context.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, parseDeclared, str, usageOf } from "../args.js";
import { loop as loopDecl } from "../declarations/loop.js";
import { reportMonitor } from "../launched.js";
import { out, printJson } from "../output.js";
import { sessionInput } from "../session-options.js";

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(loopDecl, argv);
  if (p.positionals.length > 0) {
    throw new AgentmuxError("usage", `unexpected argument ${show(p.positionals[0])}`, {
      hint: `the PRD is given with --prd; usage: ${usageOf(loopDecl)}`,
    });
  }
  const input: LoopInput = { args: p.rest, ...sessionInput(p) };
  for (const [key, field] of [
    ["prd", "prd"],
    ["agent", "agent"],
    ["check", "check"],
    ["name", "name"],
    ["cwd", "cwd"],
    ["max-iterations", "maxIterations"],
    ["attempts", "attempts"],
    ["iteration-timeout", "iterationTimeout"],
    ["timeout", "timeout"],
    ["parallel", "parallel"],
    ["start-spacing", "startSpacing"],
  ] as const) {
    const v = str(p, key);
    if (v !== undefined) input[field] = v;
  }

  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const launched = await loopWith(ctx, input);
    reportMonitor(ctx, launched, flag(p, "json"));
    const s = launched.status;
    if (flag(p, "json")) {
      printJson(s);
      return 0;
    }
    const total = launched.items?.total ?? 0;
    const open = launched.items?.open ?? 0;
    const check = input.check;
    out(
      [
        `started loop ${s.name} (${s.agent}) over ${launched.items?.prd ?? input.prd ?? "PRD.md"}: ${open} of ${total} item${total === 1 ? "" : "s"} open${check ? `, check: ${check}` : ", no check (commits alone count)"}`,
        `  progress: agentmux status ${s.name}`,
        `  follow:   agentmux tail ${s.name} -f`,
        `  attach:   agentmux attach ${s.name}   (detach with Ctrl-b d)`,
      ].join("\n"),
    );
    return 0;
  } finally {
    ctx.close();
  }
}
