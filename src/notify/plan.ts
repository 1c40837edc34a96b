import { flatten, notifyEnv, summaryLine, templateVars, type NotifyEvent } from "./summary.js";
import { OPENCLAW_TEMPLATE, renderArgv } from "./template.js";

/** How one session wants to be told. Templates are already split and validated. */
export interface NotifySettings {
  commands: string[][];
  webhooks: string[];
  /** true: always try (a missing desktop is a failure); "auto": only where there is one. */
  desktop: boolean | "auto";
}

export type NotifyChannel = "command" | "webhook" | "desktop";

export interface PlannedNotification {
  channel: NotifyChannel;
  /** argv[0], the webhook URL, or "notify-send". */
  target: string;
  payload: {
    argv?: string[];
    /** Webhook: the POSTed JSON. Command: the JSON written to its stdin (the same shape). */
    body?: object;
    title?: string;
    /** The summary line (commands get it as $AGENTMUX_SUMMARY; coalesce.ts combines it). */
    text?: string;
    /** Commands: AGENTMUX_* variables added to the run's environment (notify/summary.ts notifyEnv). */
    env?: Record<string, string>;
  };
}

/** Webhook body: `text` for Slack-compatible hooks, `event` for programs. */
export interface WebhookBody {
  text: string;
  event: NotifyEvent;
}

/**
 * Decide every notification for one ended run. Pure: rendering only, no I/O,
 * so the plan can be stored before anything is sent. Identical commands and
 * URLs (config plus a flag naming the same one) are sent once.
 */
export function planNotifications(
  settings: NotifySettings,
  event: NotifyEvent,
  /** desktop "auto" plans a desktop notification only where one can be shown (channels/desktop.ts). */
  opts: { desktopAvailable?: boolean } = {},
): PlannedNotification[] {
  const text = summaryLine(event);
  const vars = templateVars(event);
  const env = notifyEnv(event);
  const planned: PlannedNotification[] = [];
  const seen = new Set<string>();
  const add = (key: string, p: PlannedNotification): void => {
    if (seen.has(key)) return;
    seen.add(key);
    planned.push(p);
  };

  for (const words of settings.commands) {
    const argv = renderArgv(words, vars);
    const program = argv[0];
    // Empty templates are rejected at launch (validateTemplate); skip rather than plan a spawn of "".
    if (program === undefined || program === "") continue;
    // The preset runs through a fixed sh script: name it by what it reaches.
    const preset = JSON.stringify(words) === JSON.stringify(OPENCLAW_TEMPLATE);
    add(`command\0${JSON.stringify(argv)}`, {
      channel: "command",
      target: preset ? "openclaw" : program,
      payload: { argv, text, env, body: { text, event: { ...event } } satisfies WebhookBody },
    });
  }

  for (const url of settings.webhooks) {
    const body: WebhookBody = { text, event: { ...event } };
    add(`webhook\0${url}`, { channel: "webhook", target: url, payload: { body } });
  }

  if (
    settings.desktop === true ||
    (settings.desktop === "auto" && opts.desktopAvailable === true)
  ) {
    const payload: PlannedNotification["payload"] = {
      title: `agentmux: ${flatten(event.name, 80)} ${event.state}`,
      text,
    };
    add("desktop", { channel: "desktop", target: "notify-send", payload });
  }
  return planned;
}
