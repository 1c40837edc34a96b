import type { Cost, ReportedUsage, UsageJson } from "./types.js";

/** USD per million tokens of each kind, for one model (config "prices"). */
export interface Price {
  input: number;
  /** Cache reads; default: input. */
  cachedInput?: number;
  /** Cache writes; default: input. */
  cacheCreation?: number;
  output: number;
}

export type PriceTable = Readonly<Record<string, Price>>;

/**
 * The cost of a report: the CLI's own figure when it printed one, else an
 * estimate from the price table for its model, else unknown. An estimate
 * needs the input and output counts; missing cache counts are taken as 0.
 */
export function costOf(u: ReportedUsage, model: string | null, prices: PriceTable): Cost {
  if (u.reportedUsd !== null) return { usd: u.reportedUsd, basis: "reported" };
  const price = model === null ? undefined : prices[model];
  if (!price || u.input === null || u.output === null) return { usd: null, basis: "none" };
  const cached = u.cachedInput ?? 0;
  const written = u.cacheCreation ?? 0;
  const fresh = Math.max(0, u.input - cached - written);
  const usd =
    (fresh * price.input +
      cached * (price.cachedInput ?? price.input) +
      written * (price.cacheCreation ?? price.input) +
      u.output * price.output) /
    1_000_000;
  return { usd: round(usd), basis: "estimated" };
}

/** Micro-dollars: enough for per-run costs, no float noise in JSON. */
export function round(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}

export function usageJson(u: ReportedUsage, model: string | null, prices: PriceTable): UsageJson {
  return {
    input: u.input,
    cachedInput: u.cachedInput,
    cacheCreation: u.cacheCreation,
    output: u.output,
    reasoning: u.reasoning,
    model,
    cost: costOf(u, model, prices),
    source: u.source,
  };
}
