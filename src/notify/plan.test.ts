import { describe, expect, it } from "vitest";
import { planNotifications, type NotifySettings, type PlannedNotification } from "./plan.js";
import { summaryLine, type NotifyEvent } from "./summary.js";
import { OPENCLAW_TEMPLATE } from "./template.js";

const event: NotifyEvent = {
  name: "login",
  agent: "codex",
  state: "succeeded",
  exitCode: 0,
  signal: null,
  durationMs: 252_000,
  cwd: "/home/u/app",
  runId: 7,
  logPath: "/state/runs/7/output.log",
  verdict: "verified",
  commits: 3,
  uncommitted: 0,
};
const line = summaryLine(event);
const none: NotifySettings = { commands: [], webhooks: [], desktop: false };

describe("planNotifications", () => {
  it.each<[string, Partial<NotifySettings>, PlannedNotification[]]>([
    ["nothing asked for", {}, []],
    [
      "the openclaw preset",
      { commands: [[...OPENCLAW_TEMPLATE]] },
      [
        {
          channel: "command",
          target: "openclaw",
          payload: {
            argv: [...OPENCLAW_TEMPLATE],
            text: line,
            env: expect.objectContaining({ AGENTMUX_SUMMARY: line }) as Record<string, string>,
            body: { text: line, event },
          },
        },
      ],
    ],
    [
      "a command with several placeholders",
      { commands: [["notify", "{name}:{state}", "{exitCode}", "--run={runId}", "{{literal}}"]] },
      [
        {
          channel: "command",
          target: "notify",
          payload: {
            argv: ["notify", "login:succeeded", "0", "--run=7", "{literal}"],
            text: line,
          },
        },
      ],
    ],
    [
      "a webhook",
      { webhooks: ["http://127.0.0.1:9/hook"] },
      [
        {
          channel: "webhook",
          target: "http://127.0.0.1:9/hook",
          payload: { body: { text: line, event } },
        },
      ],
    ],
    [
      "desktop always",
      { desktop: true },
      [
        {
          channel: "desktop",
          target: "notify-send",
          payload: { title: "agentmux: login succeeded", text: line },
        },
      ],
    ],
    // "auto" without a desktop here (the default): nothing is planned, nothing fails.
    ["desktop auto without a desktop", { desktop: "auto" }, []],
    [
      "duplicates are sent once, in order",
      {
        commands: [["a", "{name}"], ["b"], ["a", "{name}"], ["a", "login"], []],
        webhooks: ["http://x/1", "http://x/2", "http://x/1"],
      },
      [
        { channel: "command", target: "a", payload: { argv: ["a", "login"], text: line } },
        { channel: "command", target: "b", payload: { argv: ["b"], text: line } },
        { channel: "webhook", target: "http://x/1", payload: { body: { text: line, event } } },
        { channel: "webhook", target: "http://x/2", payload: { body: { text: line, event } } },
      ],
    ],
  ])("%s", (_label, settings, planned) => {
    expect(planNotifications({ ...none, ...settings }, event)).toMatchObject(planned);
  });

  it("gives a command every value in its environment and the event as JSON, never agent text in argv", () => {
    const hostile: NotifyEvent = {
      ...event,
      state: "failed",
      cwd: "/tmp/$(touch x)",
      diagnosis: { code: "crash", summary: "'; touch /tmp/pwned; '" },
    };
    const [p] = planNotifications(
      { ...none, commands: [["notify", "{name}", "{state}"]] },
      hostile,
    );
    expect(p?.payload.argv).toEqual(["notify", "login", "failed"]);
    expect(p?.payload.env).toMatchObject({
      AGENTMUX_SUMMARY: summaryLine(hostile),
      AGENTMUX_DIAGNOSIS: "crash: '; touch /tmp/pwned; '",
      AGENTMUX_CWD: "/tmp/$(touch x)",
      AGENTMUX_LOG_PATH: "/state/runs/7/output.log",
      AGENTMUX_NAME: "login",
      AGENTMUX_STATE: "failed",
      AGENTMUX_EXIT_CODE: "0",
      AGENTMUX_RUN_ID: "7",
    });
    expect(p?.payload.body).toEqual({ text: summaryLine(hostile), event: hostile });
  });

  it("desktop auto plans a notification where a desktop is available", () => {
    expect(
      planNotifications({ ...none, desktop: "auto" }, event, { desktopAvailable: true }),
    ).toEqual([
      {
        channel: "desktop",
        target: "notify-send",
        payload: { title: "agentmux: login succeeded", text: line },
      },
    ]);
  });

  it("gives webhooks every event field and a JSON-safe body", () => {
    const withDiagnosis: NotifyEvent = {
      ...event,
      state: "failed",
      exitCode: 2,
      verdict: "failed",
      diagnosis: { code: "auth", summary: "codex is not logged in", fix: "codex login" },
    };
    const [p] = planNotifications({ ...none, webhooks: ["https://h/x"] }, withDiagnosis);
    const body = JSON.parse(JSON.stringify(p?.payload.body)) as {
      text: string;
      event: NotifyEvent;
    };
    expect(body.event).toEqual(withDiagnosis);
    expect(body.text).toBe(summaryLine(withDiagnosis));
  });

  it("does not share the event object with the plan", () => {
    const [p] = planNotifications({ ...none, webhooks: ["https://h/x"] }, event);
    expect((p?.payload.body as { event: NotifyEvent }).event).not.toBe(event);
  });
});
