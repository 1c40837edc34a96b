import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnose } from "./diagnose.js";
import { DIAGNOSIS_CODES, type DiagnoseFacts } from "./types.js";

/**
 * Golden fixtures: test/fixtures/diagnose/*.json, each
 * { description, source, facts, expected: { code, resetAt?, retryAfterMs?,
 *   summaryIncludes?, fixIncludes? } }. `source` says where the agent text
 * comes from (a file in openai/codex, an anthropics/claude-code issue, ...).
 */
interface Fixture {
  description: string;
  source: string;
  facts: Omit<DiagnoseFacts, "now"> & { now?: string };
  expected: {
    code: string;
    resetAt?: string;
    retryAfterMs?: number;
    summaryIncludes?: string[];
    fixIncludes?: string[];
  };
}

const DIR = join(import.meta.dirname, "../../test/fixtures/diagnose");
const fixtures: [string, Fixture][] = readdirSync(DIR)
  // *.exit.json belong to the real captures (captured.test.ts).
  .filter((f) => f.endsWith(".json") && !f.endsWith(".exit.json"))
  .sort()
  .map((f) => [
    f.replace(/\.json$/, ""),
    JSON.parse(readFileSync(join(DIR, f), "utf8")) as Fixture,
  ]);

// A fixed clock for fixtures that do not name one, so no result depends on when the suite runs.
const DEFAULT_NOW = "2026-03-10T15:00:00.000Z";

describe("diagnose (golden fixtures)", () => {
  it("has fixtures for every code", () => {
    const covered = new Set(fixtures.map(([, f]) => f.expected.code));
    expect(DIAGNOSIS_CODES.filter((c) => !covered.has(c))).toEqual([]);
  });

  it.each(fixtures)("%s", (_name, fx) => {
    const facts: DiagnoseFacts = { ...fx.facts, now: new Date(fx.facts.now ?? DEFAULT_NOW) };
    const d = diagnose(facts);
    expect({ code: d.code, resetAt: d.resetAt, retryAfterMs: d.retryAfterMs }).toEqual({
      code: fx.expected.code,
      resetAt: fx.expected.resetAt,
      retryAfterMs: fx.expected.retryAfterMs,
    });
    expect(d.summary.trim()).not.toBe("");
    for (const s of fx.expected.summaryIncludes ?? []) expect(d.summary).toContain(s);
    for (const s of fx.expected.fixIncludes ?? []) expect(d.fix ?? "").toContain(s);
    if (d.code !== "success" && d.code !== "killed") expect(d.fix ?? "").not.toBe("");
  });
});

describe("diagnose (rules)", () => {
  const base: DiagnoseFacts = {
    agent: "codex",
    exitCode: 0,
    signal: null,
    durationMs: 30_000,
    outputTail: [],
    now: new Date(DEFAULT_NOW),
  };

  it("uses events given as a fact instead of parsing the tail", () => {
    const d = diagnose({
      ...base,
      exitCode: 1,
      outputTail: ["some text"],
      events: [
        {
          type: "turn.failed",
          error: { message: "You've hit your usage limit. Try again later." },
        },
      ],
    });
    expect(d.code).toBe("usage-limit");
    expect(d.resetAt).toBeUndefined();
  });

  it("maps a claude api_error_status when the message is unknown", () => {
    const result = (status: number) =>
      diagnose({
        ...base,
        agent: "claude",
        exitCode: 1,
        events: [
          {
            type: "result",
            subtype: "success",
            is_error: true,
            result: "boom",
            api_error_status: status,
          },
        ],
      }).code;
    expect([result(401), result(429), result(500)]).toEqual(["auth", "rate-limit", "crash"]);
  });

  it("ignores a prompt that scrolled away (answered) before a crash", () => {
    const d = diagnose({
      ...base,
      agent: "cmd",
      exitCode: 1,
      outputTail: [
        "Continue? [y/N] y",
        ...Array.from({ length: 12 }, (_, i) => `step ${i}`),
        "fatal: boom",
      ],
    });
    expect(d.code).toBe("crash");
  });

  it("does not read a passing mention as the cause when exit 0 left no work", () => {
    const d = diagnose({
      ...base,
      outputTail: ["The docs say to retry when a Rate limit reached message appears."],
      evidence: { isRepo: true, commits: 0, filesChanged: 0 },
    });
    expect(d.code).toBe("no-op");
  });

  it("accepts signal names without the SIG prefix", () => {
    expect(diagnose({ ...base, exitCode: null, signal: "KILL" }).code).toBe("oom");
  });

  it("shows the reset time in the zone it was read in", () => {
    const d = diagnose({
      ...base,
      agent: "claude",
      exitCode: 1,
      timeZone: "Europe/Berlin",
      outputTail: ["You've hit your limit · resets 7pm (Europe/Berlin)"],
    });
    expect(d.summary).toContain("19:00 Europe/Berlin");
  });
});
