import { readFileSync } from "node:fs";
import { Context } from "../../sessions/context.js";
import { runWith, type RunInput } from "../../api/launch.js";
import type { AgentName } from "../../agents/names.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, parseDeclared, str, usageOf } from "../args.js";
import { RUN_AGENTS, run as runDecl } from "../declarations/run.js";
import { out, printJson } from "../output.js";
import { sessionInput } from "../session-options.js";
import { reportMonitor } from "../launched.js";

export const USAGE = usageOf(runDecl);

const AGENTS: readonly AgentName[] = RUN_AGENTS;

function readPrompt(positional: string | undefined, file: string | undefined): Buffer | undefined {
  if (positional !== undefined && file !== undefined) {
    throw new AgentmuxError(
      "usage",
      "give the prompt as an argument or with --prompt-file, not both",
    );
  }
  if (positional !== undefined) return Buffer.from(positional, "utf8");
  if (file === undefined) return undefined;
  try {
    return readFileSync(file === "-" ? 0 : file);
  } catch (e) {
    throw new AgentmuxError(
      "bad-value",
      `cannot read --prompt-file ${show(file)}: ${(e as Error).message}`,
    );
  }
}

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(runDecl, argv);
  const [agentArg, promptArg, ...extra] = p.positionals;
  if (agentArg === undefined)
    throw new AgentmuxError("usage", "missing the agent", { hint: `usage: ${USAGE}` });
  if (!(AGENTS as readonly string[]).includes(agentArg)) {
    throw new AgentmuxError(
      "usage",
      `Expected an agent of ${AGENTS.join(", ")}, got ${show(agentArg)}`,
      {
        hint: "to run any other command: agentmux run cmd -- your-command args",
      },
    );
  }
  if (extra.length > 0) {
    throw new AgentmuxError(
      "usage",
      `unexpected argument ${show(extra[0])}; quote the prompt as one argument`,
      {
        hint: `usage: ${USAGE}`,
      },
    );
  }
  if (flag(p, "codex") && flag(p, "claude"))
    throw new AgentmuxError("usage", "give --codex or --claude, not both");
  const input: RunInput = { agent: agentArg, args: p.rest, ...sessionInput(p) };
  const name = str(p, "name");
  if (name !== undefined) input.name = name;
  const cwd = str(p, "cwd");
  if (cwd !== undefined) input.cwd = cwd;
  const prompt = readPrompt(promptArg, str(p, "prompt-file"));
  if (prompt !== undefined) input.prompt = prompt;
  const prd = str(p, "prd");
  if (prd !== undefined) input.prd = prd;
  if (flag(p, "claude")) input.engine = "claude";
  if (flag(p, "codex")) input.engine = "codex";
  if (flag(p, "parallel")) input.parallel = true;

  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const launched = await runWith(ctx, input);
    reportMonitor(ctx, launched, flag(p, "json"));
    const s = launched.status;
    if (flag(p, "json")) {
      printJson(s);
      return 0;
    }
    const pid = s.pid === null ? "" : `, pid ${s.pid}`;
    out(
      [
        `started ${s.name} (${s.agent}) in ${s.cwd ?? "-"} — run ${s.run ?? 1}${pid}`,
        `  follow:  agentmux tail ${s.name} -f`,
        `  attach:  agentmux attach ${s.name}   (detach with Ctrl-b d)`,
        `  status:  agentmux status ${s.name}`,
      ].join("\n"),
    );
    return 0;
  } finally {
    ctx.close();
  }
}
