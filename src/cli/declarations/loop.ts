import { LOOP_AGENTS } from "../../agents/names.js";
import { HOST_OPTION } from "./host.js";
import type { CommandDecl } from "../options/types.js";
import { SESSION_GROUP } from "./session-group.js";

export { LOOP_AGENTS };

// The defaults shown here are LOOP_DEFAULTS in src/loop/settings.ts; a unit test keeps them equal.
export const loop: CommandDecl = {
  name: "loop",
  summary: "work a PRD checklist item by item, each verified with git",
  positionals: [],
  rest: "extra agent args",
  description: `Works through a PRD's markdown checklist (- [ ] items) one item at a time, each with a fresh
agent, in a detached tmux session. An item is done only when git shows a commit for it and the
check passes; a box ticked without that is unticked and reported. See docs/loops.md.`,
  options: [
    HOST_OPTION,
    {
      long: "prd",
      type: "string",
      value: "FILE",
      description: "the PRD, inside the working tree",
      default: "PRD.md",
      complete: "file",
    },
    {
      long: "agent",
      type: "string",
      value: "NAME",
      description:
        "codex, claude, demo, or cmd: the command after -- is run per item with the\nprompt on stdin and in $AGENTMUX_PROMPT_FILE, the item's text in $AGENTMUX_ITEM",
      default: "codex",
      complete: LOOP_AGENTS,
    },
    {
      long: "check",
      type: "string",
      value: "'CMD'",
      description:
        "the project's check, run after each item that committed work (sh -c);\npasses on exit 0 with at least one test run, when it reports a count",
    },
    {
      long: "name",
      type: "string",
      value: "NAME",
      description: "session name",
      default: "loop-<prd name>",
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
      long: "max-iterations",
      type: "string",
      value: "N",
      description: "iterations per run",
      default: "50",
    },
    {
      long: "attempts",
      type: "string",
      value: "N",
      description:
        "counted attempts per item before it is left failed; the loop then goes on\nto the next item",
      default: "3",
    },
    {
      long: "stop-on-failure",
      type: "boolean",
      description: "stop the loop when an item is left failed instead of going on",
    },
    {
      long: "protect",
      type: "string",
      value: "GLOB",
      repeatable: true,
      description:
        "files the check depends on besides those its command names, e.g. 'test/**'\n(config: loop.protect). An iteration that changes or deletes them is\n\"tampered\", never done",
    },
    {
      long: "iteration-timeout",
      type: "string",
      value: "DUR",
      description: "one agent's time limit, then it is stopped: timeout",
      default: "60m",
    },
    {
      long: "timeout",
      type: "string",
      value: "DUR",
      description: "the whole loop's time limit",
      default: "none",
    },
    {
      long: "parallel",
      type: "string",
      value: "N",
      description: "items at once, each in its own git worktree and branch",
      default: "1",
    },
    {
      long: "start-spacing",
      type: "string",
      value: "DUR",
      description:
        "parallel: time between two agent starts, plus up to 1 s of random\njitter; 0 starts them together",
      default: "2s",
    },
  ],
  groups: [SESSION_GROUP],
};
