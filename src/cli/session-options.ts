import type { SessionInput } from "../api/inputs.js";
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

/** The help lines for SESSION_OPTIONS. */
export const SESSION_OPTIONS_HELP = `  --env NAME=VALUE     extra environment for the agent (repeatable); values never reach argv or logs
  --notify-cmd 'TPL'   run this command when it ends; {name} {state} {exitCode} {summary} {cwd}
                       {verdict} {duration} {commits} {uncommitted} {diagnosis} are replaced
                       as whole arguments, never through a shell (repeatable)
  --notify openclaw    preset: openclaw system event --text {summary} --mode now
  --webhook URL        POST a JSON event ({"text": summary, ...}) when it ends (repeatable)
  --desktop / --no-desktop   desktop notification via notify-send (default: when available)
  --no-notify          no notifications from config either
  --journal DIR        daily notes: add a line to DIR/YYYY-MM-DD.md (or $AGENTMUX_JOURNAL_DIR)
  --restart POLICY     what the monitor restarts: never, on-failure (lost or failed runs), always
                       (also clean exits); default: config "restart", else lost runs only
  --stall-after DUR    no output, no file changes and no CPU for DUR = stalled (default 20m)`;
