import { parseDuration } from "../monitor/duration.js";
import { parseRestartPolicy } from "../monitor/policy-config.js";
import type { LaunchRequest } from "../sessions/launch.js";
import { AgentmuxError, show } from "../util/errors.js";
import { flag, list, str, type OptionSpec, type Parsed } from "./args.js";

/** Options every session takes, from `run` and `loop` alike: environment, notifications, journal, monitor policy. */
export const SESSION_OPTIONS: OptionSpec = {
  env: { type: "string", multiple: true },
  "notify-cmd": { type: "string", multiple: true },
  notify: { type: "string", multiple: true },
  webhook: { type: "string", multiple: true },
  desktop: { type: "boolean" },
  "no-desktop": { type: "boolean" },
  "no-notify": { type: "boolean" },
  journal: { type: "string" },
  restart: { type: "string" },
  "stall-after": { type: "string" },
};

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
        hint: `for any other command use --notify-cmd 'sh -c '\\''command "$AGENTMUX_SUMMARY"'\\'''`,
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

/** The help lines for SESSION_OPTIONS. */
export const SESSION_OPTIONS_HELP = `  --env NAME=VALUE     extra environment for the agent (repeatable); values never reach argv or logs
  --notify-cmd 'TPL'   run this command when it ends (repeatable); {name} {state} {exitCode}
                       {signal} {runId} {duration} {agent} {verdict} {commits} {uncommitted}
                       are replaced inside arguments; text the agent controls comes only as
                       $AGENTMUX_SUMMARY $AGENTMUX_DIAGNOSIS $AGENTMUX_CWD $AGENTMUX_LOG_PATH
                       and as JSON on stdin: sh -c 'notify-me {name} "$AGENTMUX_SUMMARY"'
  --notify openclaw    preset: openclaw system event --text "$AGENTMUX_SUMMARY" --mode now
  --webhook URL        POST a JSON event ({"text": summary, ...}) when it ends (repeatable)
  --desktop / --no-desktop   desktop notification via notify-send (default: when available)
  --no-notify          no notifications from config either
  --journal DIR        daily notes: add a line to DIR/YYYY-MM-DD.md (or $AGENTMUX_JOURNAL_DIR)
  --restart POLICY     what the monitor restarts: never, on-failure (lost or failed runs), always
                       (also clean exits); default: config "restart", else lost runs only
  --stall-after DUR    no output, no file changes and no CPU for DUR = stalled (default 20m)`;
