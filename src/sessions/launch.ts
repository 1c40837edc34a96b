import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { splitTemplate, validateTemplate, OPENCLAW_TEMPLATE } from "../notify/template.js";
import type { RunRow, SessionRow } from "../store/store.js";
import { AgentmuxError, show } from "../util/errors.js";
import { resolveJournalDir } from "../config/config.js";
import type { Context } from "./context.js";
import { captureEnv, parseEnvPairs } from "./envfile.js";
import { writeEnvFile } from "../rundir/env.js";
import { suggestName, uniqueName, validateName } from "./names.js";
import type { SessionSpec } from "./spec.js";
import { assertNotLive, startRun } from "./start-run.js";
import { sessionDir } from "./rundir.js";
import { refreshSession } from "./reconcile.js";
import { checkAgentReady, displayCommand } from "./agent-launch.js";
import { assertNameUsable, isNameTaken } from "./ownership.js";
import type { AgentName } from "../agents/names.js";
import type { LoopSettings } from "./spec.js";

export interface LaunchRequest {
  agent: AgentName;
  kind?: "agent" | "loop";
  prompt?: Buffer;
  name?: string;
  cwd?: string;
  env: string[];
  extraArgs: string[];
  command?: string[];
  prdPath?: string;
  engine?: "codex" | "claude";
  parallel?: boolean;
  notifyCommands: string[];
  openclaw: boolean;
  webhooks: string[];
  desktop?: boolean;
  journalDir?: string;
  noNotify?: boolean;
  restart?: "never" | "on-failure" | "always";
  stallAfterMs?: number;
  /** `agentmux loop`: the session runs the loop driver with these settings. */
  loop?: LoopSettings;
  /** Display text for the command (default: built from agent, prompt and args). */
  display?: string;
  /** Refuse (leaving nothing) instead of queueing when the agent's account is paused. */
  noQueue?: boolean;
}

export function resolveCwd(cwd: string | undefined): string {
  const dir = resolve(cwd ?? process.cwd());
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new AgentmuxError("bad-value", `--cwd ${show(dir)} is not an existing directory`, {
      hint: "create it first or pass the project's directory",
    });
  }
  return dir;
}

export function notifySettings(
  ctx: Context,
  req: Pick<LaunchRequest, "noNotify" | "notifyCommands" | "openclaw" | "webhooks" | "desktop">,
): SessionSpec["notify"] {
  const cfg = ctx.config().notify;
  if (req.noNotify) return { commands: [], webhooks: [], desktop: false };
  const templates = [...cfg.commands, ...req.notifyCommands];
  const commands = templates.map((t) => {
    const words = splitTemplate(t);
    validateTemplate(words, t);
    return words;
  });
  if (req.openclaw || cfg.openclaw) commands.push([...OPENCLAW_TEMPLATE]);
  const webhooks = [...cfg.webhooks, ...req.webhooks];
  for (const url of webhooks) {
    if (!/^https?:\/\//.test(url)) {
      throw new AgentmuxError(
        "bad-value",
        `Expected an http(s) URL for --webhook, got ${show(url)}`,
      );
    }
  }
  return { commands, webhooks, desktop: req.desktop ?? cfg.desktop };
}

/** `agentmux run`: validate everything, record the session, start its first run. */
export async function launch(
  ctx: Context,
  req: LaunchRequest,
): Promise<{ session: SessionRow; run: RunRow }> {
  const cwd = resolveCwd(req.cwd);
  const store = ctx.store();
  const promptText = req.prompt?.toString("utf8");
  const spec: SessionSpec = {
    agent: req.agent,
    cwd,
    socket: ctx.socket,
    argv: [],
    display: req.display ?? displayCommand(req.agent, promptText, req.command ?? req.extraArgs),
    launch: {
      extraArgs: req.extraArgs,
      ...(req.command ? { command: req.command } : {}),
      ...(req.prdPath ? { prdPath: req.prdPath } : {}),
      ...(req.engine ? { engine: req.engine } : {}),
      ...(req.parallel ? { parallel: true } : {}),
    },
    hasPrompt: req.prompt !== undefined,
    notify: notifySettings(ctx, req),
    graceSeconds: ctx.config().killGraceSeconds ?? 5,
    ...(req.loop ? { loop: req.loop } : {}),
  };
  const journalDir = resolveJournalDir(req.journalDir, ctx.config(), ctx.env);
  if (journalDir) spec.journalDir = journalDir;
  if (req.restart) spec.restart = req.restart;
  if (req.stallAfterMs !== undefined) spec.stallAfterMs = req.stallAfterMs;
  const extraEnv = parseEnvPairs(req.env);
  // Fail before anything is recorded when the agent cannot run at all.
  await checkAgentReady(ctx, spec, { ...ctx.env, ...extraEnv });

  let name: string;
  if (req.name !== undefined) {
    name = validateName(req.name);
    // A name held by a tmux session that is not ours is refused before anything changes.
    await assertNameUsable(ctx, ctx.socket, name);
    const existing = store.getSession(name);
    if (existing) {
      const current = await refreshSession(ctx, existing);
      assertNotLive(name, current.run?.state ?? "succeeded");
      // Finished: the old record stays in history, the name is reused.
      store.markRemoved(existing.id);
    }
  } else {
    const base = req.loop
      ? suggestName("loop", req.loop.prd.replace(/^.*\//, "").replace(/\.md$/i, ""))
      : suggestName(req.agent, promptText);
    const onSocket = new Set((await ctx.tmux().listSessions()).map((s) => s.name));
    name = uniqueName(base, (n) => store.getSession(n) !== null || onSocket.has(n));
    await assertNameUsable(ctx, ctx.socket, name);
  }

  // The session and its first run appear together: a launch killed at any
  // later point leaves a run that the monitor or ls settles, never a bare session.
  const { session, queued } = store.transaction(() => {
    const s = store.createSession({ name, kind: req.kind ?? "agent", agent: req.agent, spec });
    const r = store.createRun(s.id, {
      state: "queued",
      runDir: "",
      logPath: "",
      startedAt: new Date().toISOString(),
      diagnosis: { code: "queued", summary: "Queued: being launched." },
    });
    return { session: s, queued: r };
  });
  const sdir = sessionDir(ctx.stateDir, session.id);
  mkdirSync(sdir, { recursive: true, mode: 0o700 });
  writeEnvFile(join(sdir, "env"), { ...captureEnv(ctx.env), ...extraEnv });
  if (req.prompt !== undefined) writeFileSync(join(sdir, "prompt"), req.prompt, { mode: 0o600 });
  let run: RunRow;
  try {
    run = await startRun(ctx, session, { queued, queue: req.noQueue !== true });
  } catch (e) {
    // Another state directory (or the user) took the name on the socket
    // between our check and tmux's new-session, or --no-queue refused to
    // wait for a pause: this launch never happened.
    if (isNameTaken(e) || store.getRun(queued.id)?.state === "queued") {
      store.purgeSession(session.id);
      rmSync(sdir, { recursive: true, force: true });
    }
    throw e;
  }
  return { session: store.getSessionById(session.id) ?? session, run };
}
