import { readPrd } from "../../prd/checklist-read.js";
import { loopStatus } from "../../loop/items.js";
import { LOOP_DEFAULTS, parseDur, type LoopSettings } from "../../loop/settings.js";
import { Context } from "../../sessions/context.js";
import { launch, resolveCwd, type LaunchRequest } from "../../sessions/launch.js";
import type { AgentName } from "../../agents/names.js";
import { statusJson } from "../../sessions/view.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, intOption, parseDeclared, str, usageOf, type Parsed } from "../args.js";
import { LOOP_AGENTS, loop as loopDecl } from "../declarations/loop.js";
import { out, printJson } from "../output.js";
import { sessionOptions } from "../session-options.js";
import { startMonitorFor } from "../../monitor/autostart.js";

export const USAGE = usageOf(loopDecl);

const AGENTS: readonly AgentName[] = LOOP_AGENTS;

function settingsFrom(p: Parsed, prd: string): LoopSettings {
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
  const p = parseDeclared(loopDecl, argv);
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
