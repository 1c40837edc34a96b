import { join } from "node:path";
import { agentPath, resolveBinary } from "../agents/path.js";
import { binaryFor, type AgentLaunch, type LaunchInput } from "../agents/profile.js";
import { profileFor } from "../agents/registry.js";
import { gitCommonDir, isRepo } from "../git/git.js";
import { mainJs } from "../util/paths.js";
import { AgentmuxError, show } from "../util/errors.js";
import type { Context } from "./context.js";
import { readEnvFile } from "./envfile.js";
import type { SessionSpec } from "./spec.js";
import { sessionDir } from "./rundir.js";

/**
 * Turn a session spec into this run's argv, stdin and environment through
 * the agent's profile, with the binary resolved on the agent's PATH (which
 * gains /opt/homebrew/bin, /usr/local/bin, ... when they exist).
 */
async function prepare(
  ctx: Context,
  spec: SessionSpec,
  env: NodeJS.ProcessEnv,
  runDir: string,
): Promise<AgentLaunch> {
  if (spec.loop !== undefined) {
    // A loop's pane runs the loop driver (`agentmux _loop RUNDIR`) under the
    // same supervisor; the agent it starts per item is checked here, before
    // anything is recorded, exactly as `run` would check it.
    const inner = await prepare(ctx, iterationSpec(spec), env, runDir);
    return {
      argv: [process.execPath, mainJs, "_loop", runDir],
      stdin: "null",
      env: { PATH: inner.env.PATH ?? agentPath(env) },
      warnings: inner.warnings,
    };
  }
  const profile = profileFor(spec.agent, ctx.config().agents[spec.agent]);
  const path = agentPath(env);
  const agentEnv = { ...env, PATH: path };
  const input: LaunchInput = {
    prompt: spec.hasPrompt,
    extraArgs: spec.launch.extraArgs,
    runDir,
    cwd: spec.cwd,
    env: agentEnv,
    gitRepo: await repoFacts(spec.cwd).repo,
    ...(spec.launch.commits ? await repoFacts(spec.cwd).gitDir : {}),
    ...(spec.launch.command ? { command: spec.launch.command } : {}),
    ...(spec.launch.prdPath ? { prdPath: spec.launch.prdPath } : {}),
    ...(spec.launch.engine ? { engine: spec.launch.engine } : {}),
    ...(spec.launch.parallel ? { parallel: true } : {}),
  };
  const binary = binaryFor(profile, input);
  if (binary === "") {
    throw new AgentmuxError("usage", "cmd needs a command after --", {
      hint: "agentmux run cmd -- make test",
    });
  }
  const resolved = await resolveBinary(binary, path, spec.cwd);
  if (resolved === null) {
    throw new AgentmuxError(
      "not-found",
      `${show(binary)} was not found on PATH or is not executable`,
      {
        hint:
          spec.agent === "codex"
            ? "install it: npm i -g @openai/codex"
            : spec.agent === "claude"
              ? "install it: npm i -g @anthropic-ai/claude-code"
              : spec.agent === "ralphy"
                ? "install it: npm i -g ralphy-cli"
                : `PATH was ${path}`,
      },
    );
  }
  const caps = profile.detect
    ? await profile.detect(resolved, { cacheDir: join(ctx.stateDir, "cache"), env: agentEnv })
    : undefined;
  const launch = profile.build(input, caps);
  return { ...launch, env: { PATH: path, ...launch.env } };
}

/**
 * Whether a directory is in a repository, and its git directory, asked once
 * per directory per process: a loop driver launches an agent per item in the
 * same tree, and each git process costs milliseconds of its overhead.
 */
const repoFactsCache = new Map<
  string,
  { repo: Promise<boolean>; gitDir: Promise<{ gitDir?: string }> }
>();

function repoFacts(cwd: string): { repo: Promise<boolean>; gitDir: Promise<{ gitDir?: string }> } {
  let facts = repoFactsCache.get(cwd);
  if (!facts) {
    const repo = isRepo(cwd);
    facts = {
      repo,
      gitDir: repo.then(async (yes) => {
        const dir = yes ? await gitCommonDir(cwd).catch(() => null) : null;
        return dir === null ? {} : { gitDir: dir };
      }),
    };
    // A failed probe is not remembered: the next launch asks again.
    repo.catch(() => repoFactsCache.delete(cwd));
    repoFactsCache.set(cwd, facts);
  }
  return facts;
}

/** The spec of one loop iteration's agent: the loop's agent, with the iteration's prompt. */
export function iterationSpec(spec: SessionSpec): SessionSpec {
  const { loop, ...rest } = spec;
  // The demo agent's tick-only mode reads the PRD from its launch input.
  // Its standing instructions say "commit": the agent must be able to.
  const launch = loop ? { ...rest.launch, prdPath: loop.prd, commits: true } : rest.launch;
  return { ...rest, launch, hasPrompt: true };
}

/** Validate before anything is recorded: the binary exists, flags are accepted, root rules hold. */
export async function checkAgentReady(
  ctx: Context,
  spec: SessionSpec,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const launch = await prepare(ctx, spec, env, join(ctx.stateDir, "runs", "check"));
  return launch.warnings;
}

/** This run's launch, with the environment the session recorded. */
export async function buildAgentLaunch(
  ctx: Context,
  spec: SessionSpec,
  runDir: string,
  sessionId: number,
): Promise<AgentLaunch> {
  const env = readEnvFile(join(sessionDir(ctx.stateDir, sessionId), "env"));
  return prepare(ctx, spec, env, runDir);
}

/** The original command as a person would read it (journal, status). Never executed. */
export function displayCommand(
  agent: string,
  prompt: string | undefined,
  args: readonly string[],
): string {
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : JSON.stringify(s));
  const parts = [`agentmux run ${agent}`];
  if (prompt !== undefined)
    parts.push(quote(prompt.length > 200 ? `${prompt.slice(0, 199)}…` : prompt));
  if (args.length > 0) parts.push("--", ...args.map(quote));
  return parts.join(" ");
}
