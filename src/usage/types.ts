/**
 * Tokens and cost of one agent invocation, as its CLI reported them, in one
 * vocabulary for every agent:
 *   input          all input tokens, cache reads and cache writes included
 *   cachedInput    of input, read from the provider's prompt cache
 *   cacheCreation  of input, written to the prompt cache
 *   output         all output tokens, reasoning included
 *   reasoning      of output, reasoning ("thinking") tokens
 * null means the CLI did not say: unknown, never 0.
 */
export interface Tokens {
  input: number | null;
  cachedInput: number | null;
  cacheCreation: number | null;
  output: number | null;
  reasoning: number | null;
}

/** reported: the CLI printed the cost; estimated: from the config's price table; none: unknown. */
export type CostBasis = "reported" | "estimated" | "none";

export interface Cost {
  usd: number | null;
  basis: CostBasis;
}

/** What a parser found in an agent's output. */
export interface ReportedUsage extends Tokens {
  /** Which output format it came from. */
  source: "codex" | "claude";
  model: string | null;
  /** The cost the CLI printed (claude's total_cost_usd); null when it prints none (codex). */
  reportedUsd: number | null;
}

/** The `usage` object of `status --json`, loop items and `usage --json`. */
export interface UsageJson extends Tokens {
  model: string | null;
  cost: Cost;
  source?: "codex" | "claude";
  /** Sums only: how many invocations reported usage, and how many did not (their share is unknown). */
  reports?: number;
  missing?: number;
}

export const TOKEN_KINDS = [
  "input",
  "cachedInput",
  "cacheCreation",
  "output",
  "reasoning",
] as const;
