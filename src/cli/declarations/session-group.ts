import type { OptionGroup } from "../options/types.js";

/** Options every session takes, from `run` and `loop` alike: environment, notifications, journal, monitor policy. */
export const SESSION_GROUP: OptionGroup = {
  title: "Session options",
  options: [
    {
      long: "env",
      type: "string",
      value: "NAME=VALUE",
      repeatable: true,
      description: "extra environment for the agent; values never reach argv or logs",
    },
    {
      long: "notify-cmd",
      type: "string",
      value: "'TPL'",
      repeatable: true,
      description:
        "run this command when it ends; {name} {state} {exitCode} {summary} {cwd}\n{verdict} {duration} {commits} {uncommitted} {diagnosis} are replaced\nas whole arguments, never through a shell",
    },
    {
      long: "notify",
      type: "string",
      value: "PRESET",
      repeatable: true,
      description: "openclaw: openclaw system event --text {summary} --mode now",
      complete: ["openclaw"],
    },
    {
      long: "webhook",
      type: "string",
      value: "URL",
      repeatable: true,
      description: 'POST a JSON event ({"text": summary, ...}) when it ends',
    },
    {
      long: "desktop",
      type: "boolean",
      description: "desktop notification via notify-send (default: when available)",
    },
    { long: "no-desktop", type: "boolean", description: "no desktop notification" },
    { long: "no-notify", type: "boolean", description: "no notifications from config either" },
    {
      long: "journal",
      type: "string",
      value: "DIR",
      description: "daily notes: add a line to DIR/YYYY-MM-DD.md (or $AGENTMUX_JOURNAL_DIR)",
      complete: "dir",
    },
    {
      long: "restart",
      type: "string",
      value: "POLICY",
      description:
        'what the monitor restarts: never, on-failure (lost or failed runs), always\n(also clean exits); default: config "restart", else lost runs only',
      complete: ["never", "on-failure", "always"],
    },
    {
      long: "stall-after",
      type: "string",
      value: "DUR",
      description: "no output, no file changes and no CPU for DUR = stalled",
      default: "20m",
    },
  ],
};
