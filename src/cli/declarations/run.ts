import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";
import { SESSION_GROUP } from "./session-group.js";

import { AGENTS } from "../../agents/names.js";

export const RUN_AGENTS = AGENTS;

export const run: CommandDecl = {
  name: "run",
  summary: "start an agent in a detached tmux session",
  positionals: [
    { name: "agent", choices: RUN_AGENTS },
    { name: "prompt", optional: true },
  ],
  rest: "extra args",
  description: "Starts the agent in a detached tmux session and returns at once.",
  options: [
    HOST_OPTION,
    {
      long: "name",
      type: "string",
      value: "NAME",
      description: "session name (letters, digits, - and _, up to 48); default from agent + prompt",
    },
    {
      long: "cwd",
      type: "string",
      value: "DIR",
      description: "working directory",
      default: "here",
      complete: "dir",
    },
    {
      long: "prompt-file",
      type: "string",
      value: "FILE",
      description: "read the prompt from FILE (- = standard input); any size, byte-exact",
      complete: "file",
    },
    {
      long: "no-queue",
      type: "boolean",
      description:
        "while the agent's account is paused (a usage limit), refuse instead of queueing (default: queued; the monitor starts it)",
    },
    {
      long: "prd",
      type: "string",
      value: "FILE",
      description: "ralphy's --prd",
      complete: "file",
    },
    { long: "codex", type: "boolean", description: "ralphy's --codex" },
    { long: "claude", type: "boolean", description: "ralphy's --claude" },
    { long: "parallel", type: "boolean", description: "ralphy's --parallel" },
  ],
  groups: [SESSION_GROUP],
  footer: `Agents:
  codex    codex exec (non-interactive; sandbox flags detected from the installed version)
  claude   claude -p (stream-json; as root it needs --env IS_SANDBOX=1)
  ralphy   ralphy --codex|--claude --prd FILE
  cmd      the command after --, e.g. agentmux run cmd -- make test (prompt, if any, on stdin)
  demo     the built-in scripted demo agent (no API key)`,
};
