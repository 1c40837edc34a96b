import { parseDuration } from "../monitor/duration.js";
import { parseRestartPolicy } from "../monitor/policy-config.js";
import type { LaunchRequest } from "../sessions/launch.js";
import { AgentmuxError, show } from "../util/errors.js";
import { flag, list, str, type OptionSpec, type Parsed } from "./args.js";
import { SESSION_GROUP } from "./declarations/session-group.js";

/**
 * SESSION_GROUP (declarations/session-group.ts) as node:util option specs,
 * for commands still declared the old way.
 */
export const SESSION_OPTIONS: OptionSpec = Object.fromEntries(
  SESSION_GROUP.options.map((o) => [o.long, { type: o.type, multiple: o.repeatable === true }]),
);

export type SessionOptions = Pick<
  LaunchRequest,
  | "env"
  | "notifyCommands"
  | "openclaw"
  | "webhooks"
  | "noNotify"
  | "journalDir"
  | "desktop"
  | "restart"
  | "stallAfterMs"
>;

/** The SESSION_OPTIONS of a parsed command line, validated, as LaunchRequest fields. */
export function sessionOptions(p: Parsed): SessionOptions {
  for (const preset of list(p, "notify")) {
    if (preset !== "openclaw") {
      throw new AgentmuxError("usage", `Expected --notify openclaw, got ${show(preset)}`, {
        hint: "for any other command use --notify-cmd 'command {summary}'",
      });
    }
  }
  const o: SessionOptions = {
    env: list(p, "env"),
    notifyCommands: list(p, "notify-cmd"),
    openclaw: list(p, "notify").includes("openclaw"),
    webhooks: list(p, "webhook"),
    noNotify: flag(p, "no-notify"),
    journalDir: str(p, "journal"),
  };
  if (flag(p, "desktop")) o.desktop = true;
  if (flag(p, "no-desktop")) o.desktop = false;
  const restart = str(p, "restart");
  if (restart !== undefined) o.restart = parseRestartPolicy(restart);
  const stallAfter = str(p, "stall-after");
  if (stallAfter !== undefined) o.stallAfterMs = parseDuration(stallAfter, "--stall-after");
  return o;
}
