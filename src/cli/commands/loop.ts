import { loopWith, type LoopInput } from "../../api/launch.js";
import { LOOP_DEFAULTS } from "../../loop/settings.js";
import { Context } from "../../sessions/context.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, parse, str } from "../args.js";
import { reportMonitor } from "../launched.js";
import { out, printJson } from "../output.js";
import { SESSION_OPTIONS, SESSION_OPTIONS_HELP, sessionInput } from "../session-options.js";

export const USAGE =
  "agentmux loop [--prd PRD.md] [--agent codex|claude|cmd|demo] [--check 'CMD'] [options] [-- extra agent args]";

const HELP = `${USAGE}

Works through a PRD's markdown checklist (- [ ] items) one item at a time, each with a fresh
agent, in a detached tmux session. An item is done only when git shows a commit for it and the
check passes; a box ticked without that is unticked and reported. See docs/loops.md.

Options:
  --prd FILE              the PRD, inside the working tree (default PRD.md)
  --agent NAME            codex (default), claude, demo, or cmd: the command after -- is run per
                          item with the prompt on stdin and in $AGENTMUX_PROMPT_FILE, the item's
                          text in $AGENTMUX_ITEM
  --check 'CMD'           the project's check, run after each item that committed work (sh -c);
                          passes on exit 0 with at least one test run, when it reports a count
  --name NAME             session name (default loop-<prd name>)
  --cwd DIR               working directory (default: here)
  --max-iterations N      iterations per run (default ${LOOP_DEFAULTS.maxIterations})
  --attempts N            counted attempts per item before it is left failed (default ${LOOP_DEFAULTS.attempts})
  --iteration-timeout DUR one agent's time limit, then it is stopped: timeout (default 60m)
  --timeout DUR           the whole loop's time limit (default none)
  --parallel N            items at once, each in its own git worktree and branch (default 1)
  --start-spacing DUR     parallel: time between two agent starts, plus up to 1 s of random
                          jitter (default 2s; 0 starts them together)
${SESSION_OPTIONS_HELP}
  --json                  print the new session's status as JSON
  --socket PATH           tmux socket (default ~/.tmux/sock or $AGENTMUX_SOCKET)`;

export async function main(argv: string[]): Promise<number> {
  const p = parse(
    "loop",
    argv,
    {
      prd: { type: "string" },
      agent: { type: "string" },
      check: { type: "string" },
      name: { type: "string" },
      cwd: { type: "string" },
      "max-iterations": { type: "string" },
      attempts: { type: "string" },
      "iteration-timeout": { type: "string" },
      timeout: { type: "string" },
      parallel: { type: "string" },
      "start-spacing": { type: "string" },
      ...SESSION_OPTIONS,
    },
    USAGE,
  );
  if (flag(p, "help")) {
    out(HELP);
    return 0;
  }
  if (p.positionals.length > 0) {
    throw new AgentmuxError("usage", `unexpected argument ${show(p.positionals[0])}`, {
      hint: `the PRD is given with --prd; usage: ${USAGE}`,
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
