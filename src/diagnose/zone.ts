/**
 * Wall-clock arithmetic in IANA time zones with nothing but Intl, so reset
 * times like "7pm (Europe/Berlin)" become instants without a date library.
 */

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // h23: some ICU versions print midnight as "24" with hour12: false.
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Is `name` a time zone this runtime knows ("Europe/Berlin", "UTC")? */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    // Intl throws RangeError for an unknown zone; that is the answer, not a failure.
    return false;
  }
}

/** The zone of the machine we run on. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The wall-clock reading of `date` in `timeZone`. */
export function wallTimeIn(date: Date, timeZone: string): WallTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(date)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (Berlin in winter: +3600000). */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallTimeIn(new Date(ms), timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which clocks in `timeZone` read `wall`. Out-of-range fields
 * roll over (day 32 is the 1st of the next month), which callers use for
 * "tomorrow". In a DST gap the result lands an hour later, as clocks do.
 */
export function instantOf(wall: WallTime, timeZone: string): Date {
  const guess = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const first = offsetAt(guess, timeZone);
  let t = guess - first;
  // The offset at the guess may differ from the offset at the answer near a
  // DST change; one correction settles it.
  const second = offsetAt(t, timeZone);
  if (second !== first) t = guess - second;
  return new Date(t);
}
