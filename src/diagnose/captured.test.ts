import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnose } from "./diagnose.js";

/**
 * Golden tests from the real CLIs' output: test/fixtures/diagnose/<cli>-<case>.txt
 * is what codex 0.169.0 / claude 2.1.331 / sh printed (stdout and stderr
 * interleaved, as the pane log holds them) against a loopback server
 * answering 401, 429, usage limits; <cli>-<case>.exit.json holds its exit
 * status, the capture time and zone (reset times are printed relative to
 * them) and what the server answered. Re-capture with capture.mjs beside them.
 * Files named *-handwritten-* could not be provoked offline (claude's
 * subscription limit needs a claude.ai login) and say where their text is from.
 */

interface Capture {
  captured: "real" | "hand-written";
  command: string[];
  exitCode: number | null;
  signal: string | null;
  capturedAt: string;
  timeZone: string;
  server?: { status: number; body: string };
}

const DIR = join(import.meta.dirname, "../../test/fixtures/diagnose");
/** The evidence.tail the finisher passes (verify/evidence.ts reads 20 lines). */
const TAIL = 20;

function load(name: string): { text: string; cap: Capture } {
  return {
    text: readFileSync(join(DIR, `${name}.txt`), "utf8"),
    cap: JSON.parse(readFileSync(join(DIR, `${name}.exit.json`), "utf8")) as Capture,
  };
}

function classify(name: string, agent: string, work = 0) {
  const { text, cap } = load(name);
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return diagnose({
    agent,
    exitCode: cap.exitCode,
    signal: cap.signal,
    durationMs: 4_000,
    outputTail: lines.slice(-TAIL),
    evidence: { isRepo: true, commits: work, filesChanged: work },
    binary: cap.command[0] ?? agent,
    pathValue: "/usr/local/bin:/usr/bin:/bin",
    now: new Date(cap.capturedAt),
    timeZone: cap.timeZone,
  });
}

/** The reset instant the server told codex (resets_at), which codex prints as a local time. */
function serverResetAt(name: string): string {
  const body = JSON.parse(load(name).cap.server?.body ?? "{}") as {
    error?: { resets_at?: number };
  };
  return new Date((body.error?.resets_at ?? 0) * 1000).toISOString();
}

// [fixture, agent profile, code, text the fix must contain, text the summary must contain]
const TABLE: [string, string, string, string, string][] = [
  ["codex-401", "codex", "auth", "codex login", "Incorrect API key"],
  ["codex-json-401", "codex", "auth", "codex login", "401 Unauthorized"],
  ["codex-not-logged-in", "codex", "auth", "codex login", "Missing bearer"],
  ["codex-login-status", "codex", "auth", "codex login", "Not logged in"],
  ["codex-missing-env-key", "codex", "auth", "Set LOOP_API_KEY", "LOOP_API_KEY"],
  ["codex-429-retry-after", "codex", "rate-limit", "Wait", "429"],
  ["codex-429-bare", "codex", "rate-limit", "Wait", "429"],
  ["codex-json-429-try-again", "codex", "rate-limit", "Wait", "429"],
  ["codex-usage-limit-api", "codex", "usage-limit", "Restart the session after", "UTC"],
  ["codex-json-usage-limit-api", "codex", "usage-limit", "Restart the session after", "UTC"],
  ["codex-full-auto", "codex", "cli-usage", "--sandbox workspace-write", "--full-auto"],
  ["claude-401", "claude", "auth", "ANTHROPIC_API_KEY", "Invalid API key"],
  ["claude-not-logged-in", "claude", "auth", "/login", "Not logged in"],
  ["claude-429-retry-after", "claude", "rate-limit", "Wait", "429"],
  ["claude-429-bare", "claude", "rate-limit", "Wait", "429"],
  ["claude-unknown-option", "claude", "cli-usage", "claude --help", "--full-auto"],
  ["sh-not-found", "cmd", "not-found", "Install it", "agentmux-no-such-agent"],
  [
    "claude-handwritten-usage-limit-tui",
    "claude",
    "usage-limit",
    "19:00 Europe/Berlin",
    "resets 7pm",
  ],
  [
    "claude-handwritten-usage-limit-stream-json",
    "claude",
    "usage-limit",
    "after 02:00 UTC",
    "hit your limit",
  ],
];

describe("diagnose: real CLI output", () => {
  it("covers every captured fixture", () => {
    const names = readdirSync(DIR)
      .filter((f) => f.endsWith(".txt"))
      .map((f) => f.replace(/\.txt$/, ""));
    const tested = new Set([...TABLE.map((r) => r[0]), "sh-cat-quoted-errors"]);
    expect(names.filter((n) => !tested.has(n))).toEqual([]);
  });

  it.each(TABLE)("%s (%s) -> %s", (name, agent, code, fix, summary) => {
    const d = classify(name, agent);
    expect({ code: d.code }).toEqual({ code });
    expect(d.fix ?? "").toContain(fix);
    expect(d.summary.toLowerCase()).toContain(summary.toLowerCase());
  });

  it.each(["codex-usage-limit-api", "codex-json-usage-limit-api"])(
    "%s: the reset time codex prints is the one the server sent",
    (name) => {
      expect(classify(name, "codex").resetAt).toBe(serverResetAt(name));
    },
  );

  it("a claude usage limit in a named zone resets at that zone's 7pm", () => {
    // 2026-03-10 is winter time in Berlin (UTC+1): 19:00 there is 18:00 UTC.
    expect(classify("claude-handwritten-usage-limit-tui", "claude").resetAt).toBe(
      "2026-03-10T18:00:00.000Z",
    );
  });

  it("a rate limit records how long to wait only when the CLI printed it", () => {
    // codex and claude both drop the server's retry-after from what they print.
    expect(classify("codex-429-retry-after", "codex").retryAfterMs).toBeUndefined();
    expect(classify("claude-429-retry-after", "claude").retryAfterMs).toBeUndefined();
  });

  it.each([
    ["no work: a no-op", 0, "no-op"],
    ["with commits: a success", 1, "success"],
  ])(
    "an agent that cats a file full of error messages and exits 0 is never an error (%s)",
    (_what, work, code) => {
      const { text } = load("sh-cat-quoted-errors");
      expect(text).toContain("Invalid API key · Please run /login");
      expect(classify("sh-cat-quoted-errors", "cmd", work).code).toBe(code);
    },
  );
});
