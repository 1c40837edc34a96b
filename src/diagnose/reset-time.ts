import { instantOf, isTimeZone, localTimeZone, wallTimeIn } from "./zone.js";

/**
 * Reset and retry times as agents print them, turned into instants:
 *   codex   "try again at 3:28 PM." / "Try again at Aug 8th, 2026 12:30 PM." (local time)
 *           "try again in 3 days 6 hours 57 minutes." (older releases)
 *   claude  "resets 7pm (Europe/Berlin)", "resets Apr 23 at 4pm (America/Recife)",
 *           "resets Jul 31, 2am (UTC)", "5-hour limit reached ∙ resets 5am",
 *           "Claude AI usage limit reached|1762952400" (epoch seconds, 1.0.x)
 *   APIs    "Please try again in 21.509s.", "Try again in 17 seconds."
 * Sources are cited in signatures.ts.
 */

export interface ResetContext {
  now: Date;
  /** Zone for times that name none; the machine's zone when absent or unknown. */
  timeZone?: string;
}

export interface ResetTime {
  at: Date;
  /** The zone the time was read in (for showing it back to the user). */
  timeZone: string;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

// Only text after one of these words is read, so numbers earlier in the line
// ("Limit 250000", "org-123") cannot pose as a time.
const ANCHOR = /\b(?:resets?|reset at|try again|retry|available again|until)\b/i;
const EPOCH = /\|(\d{10})(?!\d)/;
const RELATIVE = /\b(?:in|after)\s+(\d[\d.]*\s*[a-z]+(?:[\s,]*(?:and\s+)?\d[\d.]*\s*[a-z]+)*)/i;
const DATE = new RegExp(
  String.raw`\b(${MONTHS.join("|")})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`,
  "i",
);
// "7pm", "7 PM", "7:30 p.m.", or a 24-hour "19:00" (a bare "19" is too ambiguous).
const TIME = /\b(\d{1,2})(?::([0-5]\d))?\s*([ap])\.?m\b\.?|\b([01]?\d|2[0-3]):([0-5]\d)\b/i;
const ZONE = /\(([A-Za-z]+(?:\/[A-Za-z0-9_+-]+)*)\)|\b(UTC|GMT)\b/;

const UNIT_MS: ReadonlyArray<[RegExp, number]> = [
  [/^(?:ms|msecs?|milliseconds?)$/i, 1],
  [/^(?:s|secs?|seconds?)$/i, 1000],
  [/^(?:m|mins?|minutes?)$/i, 60_000],
  [/^(?:h|hrs?|hours?)$/i, 3_600_000],
  [/^(?:d|days?)$/i, 86_400_000],
];

/**
 * A duration such as "2h 30m", "1m30s", "21.509s" or "3 days 6 hours 57
 * minutes" in milliseconds, read from the start of `text`; null when it does
 * not start with one.
 */
export function parseDuration(text: string): number | null {
  const token = /\s*(?:,\s*)?(?:and\s+)?(\d+(?:\.\d+)?)\s*([a-z]+)/iy;
  let total = 0;
  let found = false;
  let m: RegExpExecArray | null;
  while ((m = token.exec(text)) !== null) {
    const unit = UNIT_MS.find(([re]) => re.test(m?.[2] ?? ""));
    // An unknown word ("5 items") ends the duration. "1m30s" reads as two
    // tokens because [a-z]+ stops at the digit.
    if (!unit) break;
    total += Number(m[1]) * unit[1];
    found = true;
  }
  return found ? Math.round(total) : null;
}

/** How long an API asked to wait ("Please try again in 20s"), in ms; null when it did not say. */
export function parseRetryAfterMs(text: string): number | null {
  const m = /\b(?:try again in|retry (?:in|after)|wait(?: for)?)\s+(.*)$/i.exec(text);
  return m?.[1] ? parseDuration(m[1]) : null;
}

function zoneFor(scope: string, ctx: ResetContext): string {
  const m = ZONE.exec(scope);
  const named = m?.[1] ?? m?.[2];
  // An unknown name in the text ("(Mars/Olympus)") falls back rather than failing the diagnosis.
  if (named && isTimeZone(named)) return named;
  if (ctx.timeZone && isTimeZone(ctx.timeZone)) return ctx.timeZone;
  return localTimeZone();
}

function readTime(text: string): { hour: number; minute: number } | null {
  const m = TIME.exec(text);
  if (!m) return null;
  if (m[1] !== undefined) {
    const h = Number(m[1]);
    if (h < 1 || h > 12) return null;
    const pm = m[3]?.toLowerCase() === "p";
    return { hour: (h % 12) + (pm ? 12 : 0), minute: Number(m[2] ?? 0) };
  }
  return { hour: Number(m[4]), minute: Number(m[5]) };
}

/**
 * When a limit resets, read from an agent's message. A time of day that has
 * already passed today means tomorrow; a date without a year that lies more
 * than a week back means next year. Null when the text names no time.
 */
export function parseResetTime(text: string, ctx: ResetContext): ResetTime | null {
  const now = ctx.now;
  const anchor = ANCHOR.exec(text);
  const scope = anchor ? text.slice(anchor.index) : text;
  const timeZone = zoneFor(scope, ctx);

  const epoch = EPOCH.exec(text);
  if (epoch?.[1]) return { at: new Date(Number(epoch[1]) * 1000), timeZone };

  const rel = RELATIVE.exec(scope);
  const relMs = rel?.[1] ? parseDuration(rel[1]) : null;
  if (relMs !== null) return { at: new Date(now.getTime() + relMs), timeZone };

  const date = DATE.exec(scope);
  const time = readTime(date ? scope.slice(date.index + date[0].length) : scope);
  if (!date && !time) return null;

  const today = wallTimeIn(now, timeZone);
  const hour = time?.hour ?? 0;
  const minute = time?.minute ?? 0;
  if (date) {
    const month = MONTHS.indexOf((date[1] ?? "").slice(0, 3).toLowerCase()) + 1;
    const day = Number(date[2]);
    const year = date[3] ? Number(date[3]) : today.year;
    let at = instantOf({ year, month, day, hour, minute }, timeZone);
    if (!date[3] && at.getTime() < now.getTime() - 7 * 86_400_000) {
      at = instantOf({ year: year + 1, month, day, hour, minute }, timeZone);
    }
    return { at, timeZone };
  }
  const wall = { year: today.year, month: today.month, day: today.day, hour, minute };
  let at = instantOf(wall, timeZone);
  if (at.getTime() <= now.getTime()) at = instantOf({ ...wall, day: wall.day + 1 }, timeZone);
  return { at, timeZone };
}
