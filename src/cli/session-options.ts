import type { SessionInput } from "../api/inputs.js";
import { flag, list, str, type OptionSpec, type Parsed } from "./args.js";
import { SESSION_GROUP } from "./declarations/session-group.js";

/**
 * SESSION_GROUP (declarations/session-group.ts) as node:util option specs,
 * for commands still declared the old way.
 */
export const SESSION_OPTIONS: OptionSpec = Object.fromEntries(
  SESSION_GROUP.options.map((o) => [o.long, { type: o.type, multiple: o.repeatable === true }]),
);

/** The SESSION_OPTIONS of a parsed command line, as the library takes them (it validates them). */
export function sessionInput(p: Parsed): SessionInput {
  const input: SessionInput = {
    env: list(p, "env"),
    notifyCommands: list(p, "notify-cmd"),
    notify: list(p, "notify"),
    webhooks: list(p, "webhook"),
    noNotify: flag(p, "no-notify"),
  };
  const journal = str(p, "journal");
  if (journal !== undefined) input.journal = journal;
  if (flag(p, "desktop")) input.desktop = true;
  if (flag(p, "no-desktop")) input.desktop = false;
  const restart = str(p, "restart");
  if (restart !== undefined) input.restart = restart;
  const stallAfter = str(p, "stall-after");
  if (stallAfter !== undefined) input.stallAfter = stallAfter;
  return input;
}
