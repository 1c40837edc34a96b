import { AgentmuxError, show } from "../util/errors.js";

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `90s`, `20m`, `1h30m`, `500ms`; a bare number is seconds. Throws naming the bad value. */
export function parseDuration(text: string, what = "a duration"): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    total += Number(m[1]) * (UNITS[m[2] ?? "s"] ?? 1000);
    end = re.lastIndex;
  }
  if (t === "" || end !== t.length) {
    throw new AgentmuxError(
      "bad-value",
      `Expected ${what} like 90s, 20m or 1h30m, got ${show(text)}`,
      {
        hint: "units: ms, s, m, h, d",
      },
    );
  }
  return Math.round(total);
}
