import { count, jsonObjects, record } from "./json-lines.js";
import type { ReportedUsage } from "./types.js";

/**
 * `claude -p --output-format stream-json --verbose`: the final `result`
 * event has `usage` (input_tokens excluding the cache, cache_read_input_tokens,
 * cache_creation_input_tokens, output_tokens, output_tokens_details.thinking_tokens),
 * `total_cost_usd` (the client's own price table: an estimate it reports) and
 * `modelUsage` per model. The `assistant` events' usage is per message and
 * unreliable (output_tokens 1 where the real value was 44): never added up.
 */
export function parseClaude(lines: Iterable<string>): ReportedUsage | null {
  let result: Record<string, unknown> | null = null;
  for (const e of jsonObjects(lines)) if (e.type === "result") result = e;
  if (!result) return null;
  const usage = record(result.usage);
  const fresh = count(usage?.input_tokens);
  const read = count(usage?.cache_read_input_tokens);
  const written = count(usage?.cache_creation_input_tokens);
  const details = record(usage?.output_tokens_details);
  const usd = result.total_cost_usd;
  return {
    source: "claude",
    model: mainModel(record(result.modelUsage)),
    // One vocabulary for all agents: input counts every input token, the cache's too.
    input: fresh === null ? null : fresh + (read ?? 0) + (written ?? 0),
    cachedInput: read,
    cacheCreation: written,
    output: count(usage?.output_tokens),
    reasoning: count(details?.thinking_tokens),
    reportedUsd: typeof usd === "number" && Number.isFinite(usd) && usd >= 0 ? usd : null,
  };
}

/** The model that cost the most (claude also calls a small model for side tasks). */
function mainModel(models: Record<string, unknown> | null): string | null {
  if (!models) return null;
  let best: { name: string; cost: number } | null = null;
  for (const [name, v] of Object.entries(models)) {
    const c = record(v)?.costUSD;
    const cost = typeof c === "number" ? c : 0;
    if (best === null || cost > best.cost) best = { name, cost };
  }
  return best?.name ?? null;
}
