import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { deliver, deliverWithRetries } from "./deliver.js";
import { desktopAvailable } from "./channels/desktop.js";
import { planNotifications, type PlannedNotification } from "./plan.js";
import type { NotifyEvent } from "./summary.js";
import { OPENCLAW_TEMPLATE, splitTemplate, validateTemplate } from "./template.js";

/** A tiny executable that writes its arguments, each NUL-terminated, to $ARGV_OUT. */
function argvDumper(dir: string, name = "dump-argv"): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!/bin/sh\n: > "$ARGV_OUT"\nfor a in "$@"; do printf '%s\\0' "$a" >> "$ARGV_OUT"; done\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

function readArgv(file: string): string[] {
  const raw = readFileSync(file, "utf8");
  expect(raw.endsWith("\0") || raw === "").toBe(true);
  return raw === "" ? [] : raw.slice(0, -1).split("\0");
}

function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const event: NotifyEvent = {
  name: "login",
  agent: "codex",
  state: "succeeded",
  exitCode: 0,
  signal: null,
  durationMs: 4000,
  cwd: "/home/u/app",
  runId: 7,
  logPath: "/state/7.log",
  verdict: "verified",
  commits: 1,
  uncommitted: 0,
};

describe("command channel", () => {
  it("never puts agent text in argv; it arrives byte-exact in the environment and as JSON on stdin", async () => {
    const dir = tempDir();
    const canary = join(dir, "canary");
    const out = join(dir, "argv");
    const stdinOut = join(dir, "stdin");
    const dumper = argvDumper(dir);
    // Records its stdin too, so the JSON event can be checked.
    const stdinDumper = script(dir, "dump-stdin", `cat > "$STDIN_OUT"\nexec '${dumper}' "$@"`);
    const hostile = [
      `$(touch ${canary})`,
      `\`touch ${canary}\``,
      `x; touch ${canary}; #`,
      `'; touch ${canary}; '`,
      `it's "quoted" \\ back\\slash`,
      "line1\nline2\r\n\ttabbed",
      `#{pane_id} #(touch ${canary})`,
      "ünïcødé ✓ 🚀 \u202e",
      "\u001b[31mred\u001b[0m \u001b]0;title\u0007",
      "--help",
      "{state}{{x}}",
      "",
      "   ",
    ];
    const direct = splitTemplate(`'${stdinDumper}' {name} {state} {agent} lit`);
    // A wrapper that runs a shell: the shell expands the variables as data.
    const wrapped = splitTemplate(
      `timeout 5 sh -c '"$0" "$AGENTMUX_SUMMARY" "$AGENTMUX_DIAGNOSIS" "$AGENTMUX_CWD" "$AGENTMUX_LOG_PATH"' '${dumper}'`,
    );
    validateTemplate(direct);
    validateTemplate(wrapped);
    for (const value of hostile) {
      const e: NotifyEvent = {
        ...event,
        cwd: value,
        logPath: value,
        agent: value,
        state: "failed",
        exitCode: 1,
        diagnosis: { code: "crash", summary: value },
      };
      const plan = planNotifications(
        { commands: [direct, wrapped], webhooks: [], desktop: false },
        e,
      );
      expect(plan).toHaveLength(2);
      for (const planned of plan) {
        const result = await deliver(planned, {
          env: { ...process.env, ARGV_OUT: out, STDIN_OUT: stdinOut },
        });
        expect(result).toEqual({ ok: true });
        expect(existsSync(canary)).toBe(false);
      }
      // The direct template: only agentmux's own values, in its safe alphabet.
      const [first] = plan;
      expect(first?.payload.argv?.slice(1)).toEqual([
        "login",
        "failed",
        value.replace(/[^A-Za-z0-9_.:+-]/g, "_"),
        "lit",
      ]);
      expect(JSON.parse(readFileSync(stdinOut, "utf8"))).toEqual({
        text: first?.payload.text,
        event: JSON.parse(JSON.stringify(e)) as unknown,
      });
      // The wrapped one: the last delivery; agent text, byte-exact, as data.
      expect(readArgv(out)).toEqual([
        first?.payload.text,
        `crash: ${value
          .replace(/\u001b\[31m|\u001b\[0m|\u001b\]0;title\u0007/g, "")
          .replace(/[\n\r\t]+/g, " ")
          .replace(/ {2,}/g, " ")
          .trim()}`,
        value,
        value,
      ]);
    }
  });

  it("refuses a row stored by an older version with the summary in argv", async () => {
    const dir = tempDir();
    const canary = join(dir, "canary");
    const text = `agentmux: x failed · $(touch ${canary})`;
    const result = await deliver({
      channel: "command",
      target: "sh",
      payload: { argv: ["sh", "-c", `echo ${text}`], text },
    });
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(result.error).toMatch(/older agentmux/);
    expect(existsSync(canary)).toBe(false);
  });

  it("uses env.PATH to find the program (the openclaw preset)", async () => {
    const dir = tempDir();
    const out = join(dir, "argv");
    argvDumper(dir, "openclaw");
    const [planned] = planNotifications(
      { commands: [[...OPENCLAW_TEMPLATE]], webhooks: [], desktop: false },
      { ...event, diagnosis: { code: "crash", summary: "$(touch x) `id` '\"" }, state: "failed" },
    );
    expect(planned?.target).toBe("openclaw");
    const result = await deliver(planned as PlannedNotification, {
      env: { PATH: `${dir}:/usr/bin:/bin`, ARGV_OUT: out },
    });
    expect(result).toEqual({ ok: true });
    expect(readArgv(out)).toEqual([
      "system",
      "event",
      "--text",
      "agentmux: login failed (exit 0) after 4s · 1 commit · 0 uncommitted · verified · crash: $(touch x) `id` '\"",
      "--mode",
      "now",
    ]);
  });

  it.each<[string, string, RegExp]>([
    [
      "a non-zero exit, with what it said",
      "echo 'gateway down' >&2; exit 3",
      /exited with 3: gateway down$/,
    ],
    ["a silent failure", "exit 4", /exited with 4$/],
    ["death by signal", "kill -KILL $$", /was killed by SIGKILL$/],
  ])("reports %s", async (_label, body, error) => {
    const dir = tempDir();
    const program = script(dir, "notify", body);
    const result = await deliver({
      channel: "command",
      target: program,
      payload: { argv: [program] },
    });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(error);
  });

  it("stops a command that does not finish in time", async () => {
    const dir = tempDir();
    const program = script(dir, "hang", "exec sleep 30");
    const result = await deliver(
      { channel: "command", target: program, payload: { argv: [program] } },
      { timeoutMs: 200 },
    );
    expect(result).toEqual({
      ok: false,
      error: `${JSON.stringify(program)} did not finish within 200 ms`,
    });
  });

  it("does not retry a program that does not exist", async () => {
    const dir = tempDir();
    const missing = join(dir, "no-such-program");
    const result = await deliverWithRetries(
      { channel: "command", target: missing, payload: { argv: [missing] } },
      { attempts: 3, backoffMs: [0] },
    );
    expect(result).toEqual({
      ok: false,
      error: `could not start ${JSON.stringify(missing)}: ENOENT`,
      permanent: true,
    });
  });

  it("retries a failing command until it succeeds", async () => {
    const dir = tempDir();
    const count = join(dir, "count");
    const program = script(dir, "flaky", `echo x >> '${count}'; [ "$(wc -l < '${count}')" -ge 3 ]`);
    const planned: PlannedNotification = {
      channel: "command",
      target: program,
      payload: { argv: [program] },
    };
    expect(await deliverWithRetries(planned, { attempts: 3, backoffMs: [5, 5] })).toEqual({
      ok: true,
    });
    expect(readFileSync(count, "utf8")).toBe("x\nx\nx\n");
  });
});

interface Hook {
  url: string;
  requests: { method: string; headers: IncomingMessage["headers"]; body: string }[];
}

/** A loopback HTTP server answering with `answer(n)` for the n-th request (0-based); null = never answer. */
async function hookServer(answer: (n: number) => number | null): Promise<Hook> {
  const requests: Hook["requests"] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const n = requests.length;
      requests.push({
        method: req.method ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const status = answer(n);
      if (status === null) return; // hang: the client must give up on its own
      res
        .writeHead(status, { "content-type": "text/plain" })
        .end(status >= 300 ? "boom\nmore" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/SECRET-TOKEN`, requests };
}

describe("webhook channel", () => {
  it("POSTs the planned JSON body", async () => {
    const hook = await hookServer(() => 204);
    const hostile = { ...event, name: 'a\n"b" $(c) ✓' };
    const [planned] = planNotifications(
      { commands: [], webhooks: [hook.url], desktop: false },
      hostile,
    );
    expect(await deliver(planned as PlannedNotification)).toEqual({ ok: true });
    expect(hook.requests).toHaveLength(1);
    const req = hook.requests[0];
    expect(req?.method).toBe("POST");
    expect(req?.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(req?.body ?? "") as { text: string; event: NotifyEvent };
    expect(body.event).toEqual(hostile);
    expect(body.text).toBe(
      'agentmux: a "b" $(c) ✓ succeeded (exit 0) after 4s · 1 commit · 0 uncommitted · verified',
    );
  });

  it("retries a 500 and succeeds on the next 200", async () => {
    const hook = await hookServer((n) => (n === 0 ? 500 : 200));
    const planned: PlannedNotification = {
      channel: "webhook",
      target: hook.url,
      payload: { body: { text: "hi" } },
    };
    expect(await deliver(planned)).toEqual({
      ok: false,
      error: `HTTP 500 Internal Server Error from ${new URL(hook.url).origin}: boom more`,
    });
    expect(await deliverWithRetries(planned, { backoffMs: [5] })).toEqual({ ok: true });
    expect(hook.requests).toHaveLength(2);
  });

  it("names the status after the last attempt and never shows the URL path", async () => {
    const hook = await hookServer(() => 502);
    const result = await deliverWithRetries(
      { channel: "webhook", target: hook.url, payload: { body: {} } },
      { attempts: 3, backoffMs: [1, 1] },
    );
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(
      /^HTTP 502 Bad Gateway from http:\/\/127\.0\.0\.1:\d+: boom more \(after 3 attempts\)$/,
    );
    expect(result.error).not.toContain("SECRET");
    expect(hook.requests).toHaveLength(3);
  });

  it("gives up on a server that never answers", async () => {
    const hook = await hookServer(() => null);
    const result = await deliver(
      { channel: "webhook", target: hook.url, payload: { body: {} } },
      { timeoutMs: 150 },
    );
    expect(result).toEqual({
      ok: false,
      error: `no answer from ${new URL(hook.url).origin} within 150 ms`,
    });
  });

  it("reports a refused connection by its code", async () => {
    // A port that was just listening and is now closed refuses connections.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await deliver({
      channel: "webhook",
      target: `http://127.0.0.1:${port}/x`,
      payload: { body: {} },
    });
    expect(result).toEqual({
      ok: false,
      error: `could not reach http://127.0.0.1:${port}: ECONNREFUSED`,
    });
  });

  it("rejects a URL that is not http(s) without retrying", async () => {
    const result = await deliverWithRetries({
      channel: "webhook",
      target: "file:///etc/passwd",
      payload: { body: {} },
    });
    expect(result).toEqual({
      ok: false,
      error: 'not an http(s) URL: "file:///etc/passwd"',
      permanent: true,
    });
  });
});

describe("desktop channel", () => {
  const planned = (): PlannedNotification => ({
    channel: "desktop",
    target: "notify-send",
    payload: { title: "-agentmux: login succeeded", text: "line $(x)" },
  });

  it("runs notify-send from PATH when a display is there", async () => {
    const dir = tempDir();
    const out = join(dir, "argv");
    argvDumper(dir, "notify-send");
    const result = await deliver(planned(), {
      env: { PATH: dir, DISPLAY: ":99", ARGV_OUT: out },
    });
    expect(result).toEqual({ ok: true });
    expect(readArgv(out)).toEqual([
      "--app-name=agentmux",
      "--",
      "-agentmux: login succeeded",
      "line $(x)",
    ]);
  });

  it.each<[string, (dir: string) => NodeJS.ProcessEnv]>([
    ["no display or bus", (dir) => ({ PATH: dir })],
    ["no notify-send on PATH", (dir) => ({ PATH: join(dir, "empty"), DISPLAY: ":99" })],
  ])("fails for good with %s: never delivered", async (_label, envFor) => {
    const dir = tempDir();
    argvDumper(dir, "notify-send");
    const env = { ...envFor(dir), ARGV_OUT: join(dir, "argv") };
    const result = await deliverWithRetries(planned(), { env, backoffMs: [0] });
    expect(result.ok).toBe(false);
    expect(result.permanent).toBe(true);
    expect(result.error).toMatch(/^no desktop notifier/);
    expect(desktopAvailable(env)).toBe(false);
    expect(existsSync(join(dir, "argv"))).toBe(false);
  });
});
