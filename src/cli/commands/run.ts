import { readFileSync } from "node:fs";
import { Context } from "../../sessions/context.js";
import { launch, type LaunchRequest } from "../../sessions/launch.js";
import { statusJson } from "../../sessions/view.js";
import type { AgentName } from "../../agents/names.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, parseDeclared, str, usageOf } from "../args.js";
import { RUN_AGENTS, run as runDecl } from "../declarations/run.js";
import { out, printJson } from "../output.js";
import { sessionOptions } from "../session-options.js";
import { startMonitorFor } from "../../monitor/autostart.js";

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
  const agent = agentArg as AgentName;
  if (flag(p, "codex") && flag(p, "claude"))
    throw new AgentmuxError("usage", "give --codex or --claude, not both");
  const req: LaunchRequest = {
    agent,
    name: str(p, "name"),
    cwd: str(p, "cwd"),
    extraArgs: agent === "cmd" ? [] : p.rest,
    ...sessionOptions(p),
  };
  const prompt = readPrompt(promptArg, str(p, "prompt-file"));
  if (prompt !== undefined) req.prompt = prompt;
  if (agent === "cmd") req.command = p.rest;
  const prd = str(p, "prd");
  if (prd !== undefined) req.prdPath = prd;
  if (flag(p, "claude")) req.engine = "claude";
  if (flag(p, "codex")) req.engine = "codex";
  if (flag(p, "parallel")) req.parallel = true;
  if (flag(p, "no-queue")) req.noQueue = true;

  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const { session, run } = await launch(ctx, req);
    startMonitorFor(ctx, flag(p, "json"));
    if (flag(p, "json")) {
      printJson(statusJson(session, run, 1, undefined));
      return 0;
    }
    if (run.state === "queued") {
      out(
        [
          `queued ${session.name} (${session.agent}): ${run.diagnosis?.summary ?? "waiting for a launch slot"}`,
          `  status:  agentmux status ${session.name}`,
          `  cancel:  agentmux kill ${session.name}`,
        ].join("\n"),
      );
      return 0;
    }
    const pid = run.runnerPid === null ? "" : `, pid ${run.runnerPid}`;
    out(
      [
        `started ${session.name} (${session.agent}) in ${(session.spec as { cwd: string }).cwd} — run ${run.runNo}${pid}`,
        `  follow:  agentmux tail ${session.name} -f`,
        `  attach:  agentmux attach ${session.name}   (detach with Ctrl-b d)`,
        `  status:  agentmux status ${session.name}`,
      ].join("\n"),
    );
    return 0;
  } finally {
    ctx.close();
  }
}
