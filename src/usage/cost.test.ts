import { describe, expect, it } from "vitest";
import { costOf } from "./cost.js";
import { usageText } from "./format.js";
import { sumUsage } from "./sum.js";
import type { ReportedUsage, UsageJson } from "./types.js";

const report = (over: Partial<ReportedUsage>): ReportedUsage => ({
  source: "codex",
  model: null,
  input: 1_000_000,
  cachedInput: 400_000,
  cacheCreation: null,
  output: 100_000,
  reasoning: null,
  reportedUsd: null,
  ...over,
});

const PRICES = { "gpt-x": { input: 1.25, cachedInput: 0.125, output: 10 } };

describe("costOf: reported, estimated from the price table, or none", () => {
  it.each([
    {
      what: "the CLI's own figure wins",
      u: report({ reportedUsd: 0.42 }),
      model: "gpt-x",
      want: { usd: 0.42, basis: "reported" },
    },
    {
      what: "estimated: 600k fresh at 1.25, 400k cached at 0.125, 100k out at 10 per million",
      u: report({}),
      model: "gpt-x",
      want: { usd: 0.75 + 0.05 + 1, basis: "estimated" },
    },
    {
      what: "a model with no price: none",
      u: report({}),
      model: "gpt-y",
      want: { usd: null, basis: "none" },
    },
    {
      what: "no model known: none",
      u: report({}),
      model: null,
      want: { usd: null, basis: "none" },
    },
    {
      what: "no output count: cannot estimate",
      u: report({ output: null }),
      model: "gpt-x",
      want: { usd: null, basis: "none" },
    },
  ])("$what", ({ u, model, want }) => {
    expect(costOf(u, model, PRICES)).toEqual(want);
  });
});

const part = (over: Partial<UsageJson>): UsageJson => ({
  input: 100,
  cachedInput: null,
  cacheCreation: null,
  output: 10,
  reasoning: null,
  model: "m",
  cost: { usd: 0.1, basis: "reported" },
  ...over,
});

describe("sumUsage: unknown is not 0", () => {
  it.each([
    {
      what: "all reported",
      parts: [part({}), part({ input: 50, cachedInput: 20 })],
      want: {
        input: 150,
        cachedInput: 20,
        output: 20,
        cost: { usd: 0.2, basis: "reported" },
        reports: 2,
        missing: 0,
      },
    },
    {
      what: "a part with nothing reported is counted as missing",
      parts: [part({}), null],
      want: { input: 100, reports: 1, missing: 1 },
    },
    {
      what: "one estimated part makes the sum estimated",
      parts: [part({}), part({ cost: { usd: 0.3, basis: "estimated" } })],
      want: { cost: { usd: 0.4, basis: "estimated" } },
    },
    {
      what: "no costs at all: none",
      parts: [part({ cost: { usd: null, basis: "none" } })],
      want: { cost: { usd: null, basis: "none" } },
    },
    {
      what: "nothing known: every kind null",
      parts: [null, null],
      want: { input: null, output: null, model: null, reports: 0, missing: 2 },
    },
    {
      what: "two models are both named",
      parts: [part({ model: "a" }), part({ model: "b" }), part({ model: "a" })],
      want: { model: "a, b" },
    },
  ])("$what", ({ parts, want }) => {
    expect(sumUsage(parts)).toMatchObject(want);
  });
});

describe("usageText", () => {
  it.each([
    {
      u: part({ input: 12_345, cachedInput: 10_000, output: 456 }),
      want: "12.3k in (10k cached) / 456 out tokens · $0.100",
    },
    {
      u: part({ input: 2_500_000, output: 1000, cost: { usd: 1.5, basis: "estimated" } }),
      want: "2.5M in / 1k out tokens · ~$1.50",
    },
    { u: part({ input: null, output: null, cost: { usd: null, basis: "none" } }), want: null },
    { u: null, want: null },
  ])("$want", ({ u, want }) => {
    expect(usageText(u)).toBe(want);
  });
});
