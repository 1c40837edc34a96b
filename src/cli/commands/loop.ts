import { readPrd } from "../../prd/checklist-read.js";
import { loopStatus } from "../../loop/items.js";
import { LOOP_DEFAULTS, parseDur, type LoopSettings } from "../../loop/settings.js";
import { Context } from "../../sessions/context.js";
import { launch, resolveCwd, type LaunchRequest } from "../../sessions/launch.js";
import { LOOP_AGENTS as AGENTS, type AgentName } from "../../agents/names.js";
import { statusJson } from "../../sessions/view.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, intOption, parse, str } from "../args.js";
import { out, printJson } from "../output.js";
import { SESSION_OPTIONS, SESSION_OPTIONS_HELP, sessionOptions } from "../session-options.js";
import { startMonitorFor } from "../../monitor/autostart.js";

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

function settingsFrom(p: ReturnType<typeof parse>, prd: string): LoopSettings {
  const dur = (key: string): number | undefined => {
    const v = str(p, key);
    return v === undefined ? undefined : parseDur(key, v);
  };
  const timeoutMs = dur("timeout");
  return {
    prd,
    ...(str(p, "check") !== undefined ? { check: str(p, "check") } : {}),
    maxIterations: intOption(p, "max-iterations", 1, 100_000) ?? LOOP_DEFAULTS.maxIterations,
    attempts: intOption(p, "attempts", 1, 1000) ?? LOOP_DEFAULTS.attempts,
    iterationTimeoutMs: dur("iteration-timeout") ?? LOOP_DEFAULTS.iterationTimeoutMs,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    checkTimeoutMs: LOOP_DEFAULTS.checkTimeoutMs,
    parallel: intOption(p, "parallel", 1, 64) ?? LOOP_DEFAULTS.parallel,
    ...startSpacing(str(p, "start-spacing")),
    noProgressLimit: LOOP_DEFAULTS.noProgressLimit,
  };
}

/** --start-spacing: 0 means no spacing and no jitter; jitter is at most half the spacing. */
export function startSpacing(text: string | undefined): { spacingMs: number; jitterMs: number } {
  if (text === undefined)
    return { spacingMs: LOOP_DEFAULTS.spacingMs, jitterMs: LOOP_DEFAULTS.jitterMs };
  const spacingMs = /^0+(\.0*)?[a-z]*$/i.test(text.trim()) ? 0 : parseDur("start-spacing", text);
  return { spacingMs, jitterMs: Math.min(LOOP_DEFAULTS.jitterMs, Math.floor(spacingMs / 2)) };
}

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
  const agentArg = str(p, "agent") ?? "codex";
  if (!(AGENTS as readonly string[]).includes(agentArg)) {
    throw new AgentmuxError(
      "usage",
      `Expected --agent of ${AGENTS.join(", ")}, got ${show(agentArg)}`,
      {
        hint: "any other command: --agent cmd -- your-command args",
      },
    );
  }
  const agent = agentArg as AgentName;
  if (agent === "cmd" && p.rest.length === 0) {
    throw new AgentmuxError("usage", "--agent cmd needs the command to run after --", {
      hint: "agentmux loop --agent cmd --prd PRD.md -- ./my-agent.sh",
    });
  }
  const cwd = resolveCwd(str(p, "cwd"));
  const prdArg = str(p, "prd") ?? "PRD.md";
  const settings = settingsFrom(p, prdArg);
  if (settings.check !== undefined && settings.check.trim() === "") {
    throw new AgentmuxError("usage", "--check: expected a command, got an empty string", {
      hint: "--check 'npm test'",
    });
  }
  // Before anything is recorded: the PRD exists, is inside the working tree, has items.
  const prd = await readPrd(prdArg, { cwd });

  const display = [
    "agentmux loop",
    `--prd ${prdArg}`,
    `--agent ${agent}`,
    ...(settings.check ? [`--check ${JSON.stringify(settings.check)}`] : []),
    ...(p.rest.length > 0 ? ["--", ...p.rest] : []),
  ].join(" ");
  const req: LaunchRequest = {
    agent,
    kind: "loop",
    loop: settings,
    display,
    name: str(p, "name"),
    cwd,
    extraArgs: agent === "cmd" ? [] : p.rest,
    ...sessionOptions(p),
  };
  if (agent === "cmd") req.command = p.rest;

  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const { session, run } = await launch(ctx, req);
    startMonitorFor(ctx, flag(p, "json"));
    // The driver records the items too (and again before every iteration);
    // doing it here lets `status` show them from the first moment.
    const store = ctx.store();
    store.syncLoopItems(
      session.id,
      prd.checklist.items.map((i, index) => ({
        key: i.key,
        text: i.text,
        index,
        checked: i.checked,
      })),
    );
    if (flag(p, "json")) {
      const loop = loopStatus(store.listLoopItems(session.id), settings.attempts, 0);
      printJson({ ...statusJson(session, run, 1, undefined), loop });
      return 0;
    }
    const total = prd.checklist.items.length;
    const open = prd.checklist.items.filter((i) => !i.checked).length;
    out(
      [
        `started loop ${session.name} (${agent}) over ${prd.relativePath}: ${open} of ${total} item${total === 1 ? "" : "s"} open${settings.check ? `, check: ${settings.check}` : ", no check (commits alone count)"}`,
        `  progress: agentmux status ${session.name}`,
        `  follow:   agentmux tail ${session.name} -f`,
        `  attach:   agentmux attach ${session.name}   (detach with Ctrl-b d)`,
      ].join("\n"),
    );
    return 0;
  } finally {
    ctx.close();
  }
}
