import { join } from "node:path";
import type { AgentLaunch } from "../agents/profile.js";
import type { SessionRow } from "../store/store.js";
import type { Context } from "./context.js";
import { buildAgentLaunch } from "./agent-launch.js";
import { readEnvFile } from "./envfile.js";
import type { SessionSpec } from "./spec.js";
import { sessionDir } from "./rundir.js";

/**
 * Who an agent process is, as its environment tells it (and as
 * process/escape.ts later recognises what it left behind): its session, its
 * run, and for a loop's agent the iteration and item it works on.
 */
export interface AgentIdentity {
  session: Pick<SessionRow, "id" | "name">;
  runId: number;
  runDir: string;
  /** The file holding the prompt, when the agent has one. */
  promptFile?: string;
  /** A loop iteration's agent. */
  iteration?: { id: number; item: string };
}

/** The environment a session recorded at `run`/`loop` time (its 0600 env file). */
export function sessionEnv(stateDir: string, sessionId: number): Record<string, string> {
  return readEnvFile(join(sessionDir(stateDir, sessionId), "env"));
}

/**
 * An agent's environment: the session's, then what the agent's profile adds
 * (PATH first), then agentmux's own variables, which nothing can override.
 * Pure; the one place these names are set, for a run and a loop iteration alike.
 */
export function agentEnv(
  base: Readonly<Record<string, string>>,
  profile: Readonly<Record<string, string>>,
  who: AgentIdentity,
): Record<string, string> {
  return {
    ...base,
    ...profile,
    AGENTMUX_SESSION: who.session.name,
    AGENTMUX_RUN: String(who.runId),
    // With AGENTMUX_RUN, what marks a process as this run's even after
    // setsid (process/escape.ts); the directory tells state directories apart.
    AGENTMUX_RUN_DIR: who.runDir,
    ...(who.iteration
      ? { AGENTMUX_ITERATION: String(who.iteration.id), AGENTMUX_ITEM: who.iteration.item }
      : {}),
    ...(who.promptFile !== undefined ? { AGENTMUX_PROMPT_FILE: who.promptFile } : {}),
  };
}

/**
 * How to start one agent: the profile's argv and stdin for `spec`, and the
 * full environment. `filesDir` is where the agent's own files go (the run
 * directory, or a loop iteration's directory inside it).
 */
export async function prepareAgent(
  ctx: Context,
  spec: SessionSpec,
  filesDir: string,
  who: AgentIdentity,
): Promise<AgentLaunch> {
  const base = sessionEnv(ctx.stateDir, who.session.id);
  const launch = await buildAgentLaunch(ctx, spec, filesDir, base);
  return { ...launch, env: agentEnv(base, launch.env, who) };
}
