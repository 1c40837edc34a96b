import { round } from "./cost.js";
import { TOKEN_KINDS, type CostBasis, type UsageJson } from "./types.js";

/**
 * The sum of several invocations' usage (a loop's iterations, a day's runs).
 * A kind is null only when no part knew it; `missing` counts the parts that
 * reported nothing at all, so a sum with missing parts reads as "at least".
 * The basis is the weakest of the parts that had a cost (reported beats
 * estimated), and none when no part had one.
 */
export function sumUsage(parts: readonly (UsageJson | null)[]): UsageJson {
  const known = parts.filter((p): p is UsageJson => p !== null);
  const total: UsageJson = {
    input: null,
    cachedInput: null,
    cacheCreation: null,
    output: null,
    reasoning: null,
    model: null,
    cost: { usd: null, basis: "none" },
    reports: known.length,
    missing: parts.length - known.length,
  };
  for (const p of known) {
    for (const k of TOKEN_KINDS) {
      const v = p[k];
      if (v !== null) total[k] = (total[k] ?? 0) + v;
    }
  }
  const models = [...new Set(known.map((p) => p.model).filter((m): m is string => m !== null))];
  total.model = models.length === 0 ? null : models.join(", ");
  const costed = known.filter((p) => p.cost.usd !== null);
  if (costed.length > 0) {
    const basis: CostBasis = costed.every((p) => p.cost.basis === "reported")
      ? "reported"
      : "estimated";
    total.cost = { usd: round(costed.reduce((s, p) => s + (p.cost.usd ?? 0), 0)), basis };
  }
  return total;
}
