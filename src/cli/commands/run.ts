import { readFileSync } from "node:fs";
import { Context } from "../../sessions/context.js";
import { agentOf, RUN_AGENTS } from "../../api/inputs.js";
import { runWith, type RunInput } from "../../api/launch.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, parse, str } from "../args.js";
import { out, printJson } from "../output.js";
import { SESSION_OPTIONS, SESSION_OPTIONS_HELP, sessionInput } from "../session-options.js";
import { reportMonitor } from "../launched.js";

export const USAGE =
  "agentmux run <codex|claude|ralphy|cmd|demo> [prompt] [options] [-- extra args]";

const HELP = `${USAGE}

Starts the agent in a detached tmux session and returns at once.

Options:
  --name NAME          session name (letters, digits, - and _, up to 48); default from agent + prompt
  --cwd DIR            working directory (default: here)
  --prompt-file FILE   read the prompt from FILE (- = standard input); any size, byte-exact
${SESSION_OPTIONS_HELP}
  --prd FILE, --codex, --claude, --parallel   ralphy's own options
  --json               print the new session's status as JSON
  --socket PATH        tmux socket (default ~/.tmux/sock or $AGENTMUX_SOCKET)
Agents:
  codex    codex exec (non-interactive; sandbox flags detected from the installed version)
  claude   claude -p (stream-json; as root it needs --env IS_SANDBOX=1)
  ralphy   ralphy --codex|--claude --prd FILE
  cmd      the command after --, e.g. agentmux run cmd -- make test (prompt, if any, on stdin)
  demo     the built-in scripted demo agent (no API key)`;

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
  const p = parse(
    "run",
    argv,
    {
      name: { type: "string" },
      cwd: { type: "string" },
      "prompt-file": { type: "string" },
      ...SESSION_OPTIONS,
      prd: { type: "string" },
      codex: { type: "boolean" },
      claude: { type: "boolean" },
      parallel: { type: "boolean" },
    },
    USAGE,
  );
  if (flag(p, "help")) {
    out(HELP);
    return 0;
  }
  const [agentArg, promptArg, ...extra] = p.positionals;
  if (agentArg === undefined)
    throw new AgentmuxError("usage", "missing the agent", { hint: `usage: ${USAGE}` });
  agentOf(agentArg, RUN_AGENTS, "an agent");
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
