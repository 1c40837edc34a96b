import { AgentmuxError } from "../util/errors.js";
import type { AgentLaunch, AgentProfile, LaunchInput, ProfileSetup } from "./profile.js";

/**
 * Any command: `agentmux run cmd -- make test`. The command is exec'd as
 * given (argv, never a shell). A prompt, when there is one, arrives on stdin;
 * otherwise the command gets the pane's terminal, so interactive programs
 * work when you attach. A config `command` for cmd is a wrapper put in front
 * (e.g. ["nice", "-n", "10"]); config `args` follow the command.
 */
export function buildCmd(setup: ProfileSetup, input: LaunchInput): AgentLaunch {
  const command = input.command ?? [];
  if (command.length === 0 || command[0] === "") {
    throw new AgentmuxError("usage", "agentmux run cmd needs the command to run after --", {
      hint: "for example: agentmux run cmd --name tests -- npm test",
    });
  }
  return {
    argv: [...setup.command, ...command, ...setup.args, ...input.extraArgs],
    stdin: input.prompt ? "prompt" : "tty",
    env: { ...setup.env },
    warnings: [],
  };
}

export function cmdProfile(setup: ProfileSetup): AgentProfile {
  return {
    name: "cmd",
    description: "any command after --, exec'd as argv; prompt (if any) on stdin",
    // The binary is the command's first word (or the wrapper's): see binaryFor().
    binary: setup.command[0] ?? "",
    command: setup.command,
    build: (input) => buildCmd(setup, input),
  };
}
