import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseClaude } from "./claude.js";
import { parseCodex } from "./codex.js";
import { modelFromArgv, usageFromOutput } from "./parse.js";

// Pane logs captured from the real CLIs run by agentmux against the scripted
// model server (test/agents/usage.test.ts, AGENTMUX_CAPTURE_FIXTURES=1): two
// model calls of 2003 and 2210 input tokens (1536 and 2048 cached) and 105
// (64 reasoning) and 12 output tokens.
const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

const lines = (...events: unknown[]): string[] =>
  events.map((e) => (typeof e === "string" ? e : JSON.stringify(e)));

describe("codex exec --json", () => {
  it("the captured log: the thread's total from turn.completed", () => {
    expect(parseCodex(fixture("codex-0.169.0-exec-json.log").split("\n"))).toEqual({
      source: "codex",
      model: null,
      input: 4213,
      cachedInput: 3584,
      cacheCreation: 0,
      output: 117,
      reasoning: 64,
      reportedUsd: null,
    });
  });

  it.each([
    {
      what: "the last turn.completed wins: each is the running total of the thread",
      events: lines(
        { type: "turn.completed", usage: { input_tokens: 2003, output_tokens: 10 } },
        { type: "turn.completed", usage: { input_tokens: 3008, output_tokens: 20 } },
        { type: "turn.completed", usage: { input_tokens: 4014, output_tokens: 30 } },
      ),
      want: { input: 4014, output: 30, cachedInput: null, reasoning: null },
    },
    {
      what: "an older codex without the newer fields: those are unknown, not 0",
      events: lines({
        type: "turn.completed",
        usage: { input_tokens: 10, cached_input_tokens: 4, output_tokens: 3 },
      }),
      want: { input: 10, cachedInput: 4, output: 3, cacheCreation: null, reasoning: null },
    },
    {
      what: "a failed turn has no usage: nothing reported",
      events: lines({ type: "turn.started" }, { type: "turn.failed", error: { message: "x" } }),
      want: null,
    },
    {
      what: "a killed run with no event at all",
      events: ["Reading prompt from stdin...", ""],
      want: null,
    },
    {
      what: "garbage and half lines around the events are skipped",
      events: [
        '{"type":"turn.completed","usage":{"input_tok',
        "not json {",
        '{"type":"turn.completed","usage":{"input_tokens":5,"output_tokens":-1}}\r',
      ],
      want: { input: 5, output: null },
    },
  ])("$what", ({ events, want }) => {
    const got = parseCodex(events);
    if (want === null) expect(got).toBeNull();
    else expect(got).toMatchObject(want);
  });
});

describe("claude -p --output-format stream-json", () => {
  it("the captured log: the result event; input counts the cache too; the cost it reported", () => {
    expect(parseClaude(fixture("claude-2.1.331-stream-json.log").split("\n"))).toEqual({
      source: "claude",
      model: "claude-opus-5-5",
      input: 629 + 3584,
      cachedInput: 3584,
      cacheCreation: 0,
      output: 117,
      reasoning: 0,
      reportedUsd: 0.005572799999999999,
    });
  });

  it.each([
    {
      what: "assistant events are never added up (their output_tokens said 1)",
      events: lines(
        { type: "assistant", message: { usage: { input_tokens: 9, output_tokens: 1 } } },
        { type: "assistant", message: { usage: { input_tokens: 9, output_tokens: 1 } } },
      ),
      want: null,
    },
    {
      what: "the main model is the one that cost most",
      events: lines({
        type: "result",
        usage: { input_tokens: 1, output_tokens: 44 },
        total_cost_usd: 0.5,
        modelUsage: { "claude-haiku": { costUSD: 0.01 }, "claude-opus": { costUSD: 0.49 } },
      }),
      want: { model: "claude-opus", output: 44, input: 1, reportedUsd: 0.5 },
    },
    {
      what: "an error result still reports what it used",
      events: lines({
        type: "result",
        subtype: "success",
        is_error: true,
        usage: { input_tokens: 3, cache_creation_input_tokens: 7, output_tokens: 2 },
      }),
      want: { input: 10, cacheCreation: 7, cachedInput: null, reportedUsd: null },
    },
    {
      what: "no input count: input unknown even if cache counts are there",
      events: lines({ type: "result", usage: { cache_read_input_tokens: 7 } }),
      want: { input: null, cachedInput: 7, output: null },
    },
  ])("$what", ({ events, want }) => {
    const got = parseClaude(events);
    if (want === null) expect(got).toBeNull();
    else expect(got).toMatchObject(want);
  });
});

describe("usageFromOutput and the model from argv", () => {
  it("finds whichever format the output holds", () => {
    expect(usageFromOutput(fixture("codex-0.169.0-exec-json.log"))?.source).toBe("codex");
    expect(usageFromOutput(fixture("claude-2.1.331-stream-json.log"))?.source).toBe("claude");
    expect(usageFromOutput("hello\nworld\n")).toBeNull();
  });

  it.each([
    { argv: ["codex", "exec", "--model", "gpt-5.1", "x"], want: "gpt-5.1" },
    { argv: ["codex", "exec", "-m", "o4"], want: "o4" },
    { argv: ["claude", "--model=sonnet"], want: "sonnet" },
    { argv: ["codex", "exec", "--model"], want: null },
    { argv: ["codex", "exec"], want: null },
  ])("$argv -> $want", ({ argv, want }) => {
    expect(modelFromArgv(argv)).toBe(want);
  });
});
