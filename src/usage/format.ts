import type { UsageJson } from "./types.js";

/** 950, 12.3k, 4.56M: short token counts for one line. */
export function shortCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${trim(n / 1000)}k`;
  return `${trim(n / 1_000_000)}M`;
}

function trim(x: number): string {
  return (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)).replace(/\.?0+$/, "");
}

export function usd(v: number): string {
  return v >= 1 ? `$${v.toFixed(2)}` : v >= 0.01 ? `$${v.toFixed(3)}` : `$${v.toFixed(4)}`;
}

/**
 * One short phrase for summaries, the journal and `status`:
 * `12.3k in (10k cached) / 456 out · $0.042` (`~$0.042` when estimated).
 * null when nothing is known.
 */
export function usageText(u: UsageJson | null): string | null {
  if (!u) return null;
  const parts: string[] = [];
  if (u.input !== null) {
    parts.push(
      `${shortCount(u.input)} in${u.cachedInput ? ` (${shortCount(u.cachedInput)} cached)` : ""}`,
    );
  }
  if (u.output !== null) parts.push(`${shortCount(u.output)} out`);
  const tokens = parts.join(" / ");
  const cost =
    u.cost.usd === null ? null : `${u.cost.basis === "estimated" ? "~" : ""}${usd(u.cost.usd)}`;
  const text = [tokens ? `${tokens} tokens` : null, cost].filter((x) => x !== null).join(" · ");
  return text === "" ? null : text;
}
