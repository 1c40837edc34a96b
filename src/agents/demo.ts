import { join, resolve } from "node:path";
import { packageRoot } from "../util/paths.js";
import type { AgentLaunch, AgentProfile, LaunchInput, ProfileSetup } from "./profile.js";

/**
 * The built-in demo agent (demo-agent.ts), run with the node that runs
 * agentmux, so it needs nothing on PATH and no API key. The build puts it
 * beside the CLI's bundle, dist/bin/demo-agent.js, which the library's
 * bundle (dist/lib/) uses too.
 */
export function demoAgentPath(): string {
  return join(packageRoot, "dist", "bin", "demo-agent.js");
}

export function demoCommand(): string[] {
  return [process.execPath, demoAgentPath()];
}

export function buildDemo(setup: ProfileSetup, input: LaunchInput): AgentLaunch {
  const env: Record<string, string> = { ...setup.env };
  // tick-only mode (the loop demo) reads the PRD from here.
  if (input.prdPath !== undefined) env.AGENTMUX_DEMO_PRD = resolve(input.cwd, input.prdPath);
  return {
    argv: [...setup.command, ...setup.args, ...input.extraArgs],
    // /dev/null without a prompt: the demo then works on a default task.
    stdin: input.prompt ? "prompt" : "null",
    env,
    warnings: [],
  };
}

export function demoProfile(setup: ProfileSetup): AgentProfile {
  return {
    name: "demo",
    description: "built-in scripted demo agent: edits DEMO.md and commits (no API key)",
    binary: setup.command[0] ?? process.execPath,
    command: setup.command,
    build: (input) => buildDemo(setup, input),
  };
}
