import { describe, expect, it } from "vitest";
import { parseDuration, parseResetTime, parseRetryAfterMs } from "./reset-time.js";

// 2026-03-10 15:00 UTC is 16:00 in Berlin (CET, +1) and 08:00 in Los Angeles
// (PDT, -7: US clocks moved on March 8, Europe's move on March 29).
const NOW = new Date("2026-03-10T15:00:00Z");
const BERLIN = "Europe/Berlin";

describe("parseResetTime", () => {
  it.each([
    // text, now, fallback zone, expected instant
    ["resets 7pm", NOW, BERLIN, "2026-03-10T18:00:00.000Z"],
    ["try again at 7:30 PM.", NOW, BERLIN, "2026-03-10T18:30:00.000Z"],
    ["19:00", NOW, BERLIN, "2026-03-10T18:00:00.000Z"],
    ["7 p.m.", NOW, BERLIN, "2026-03-10T18:00:00.000Z"],
    // Already past today (16:00 local): tomorrow.
    ["resets 2pm", NOW, BERLIN, "2026-03-11T13:00:00.000Z"],
    ["5-hour limit reached ∙ resets 5am", NOW, BERLIN, "2026-03-11T04:00:00.000Z"],
    ["resets 12am", NOW, BERLIN, "2026-03-10T23:00:00.000Z"],
    ["resets 12pm", NOW, BERLIN, "2026-03-11T11:00:00.000Z"],
    // Relative.
    ["try again in 2h 30m", NOW, BERLIN, "2026-03-10T17:30:00.000Z"],
    ["or try again in 3 days 6 hours 57 minutes.", NOW, BERLIN, "2026-03-13T21:57:00.000Z"],
    // Dates: this year while ahead, next year once more than a week behind.
    ["resets Jan 29 at 3pm", new Date("2026-01-20T10:00:00Z"), BERLIN, "2026-01-29T14:00:00.000Z"],
    ["resets Jan 29 at 3pm", NOW, BERLIN, "2027-01-29T14:00:00.000Z"],
    ["Try again at Aug 8th, 2026 12:30 PM.", NOW, BERLIN, "2026-08-08T10:30:00.000Z"],
    // A zone named in the text wins over the fallback zone.
    ["resets 7pm (America/Los_Angeles)", NOW, BERLIN, "2026-03-11T02:00:00.000Z"],
    ["resets 12:50am (America/Los_Angeles)", NOW, BERLIN, "2026-03-11T07:50:00.000Z"],
    ["resets Apr 2 at 3pm (Europe/Berlin)", NOW, "UTC", "2026-04-02T13:00:00.000Z"],
    ["resets Jul 31, 2am (UTC)", NOW, BERLIN, "2026-07-31T02:00:00.000Z"],
    [
      "resets Jan 12, 10:59am (America/New_York)",
      new Date("2026-01-07T14:12:00Z"),
      BERLIN,
      "2026-01-12T15:59:00.000Z",
    ],
    // An unknown zone name falls back to the given zone.
    ["resets 7pm (Mars/Olympus)", NOW, BERLIN, "2026-03-10T18:00:00.000Z"],
    // Rolling over to tomorrow across the DST change (Berlin, night of March 29).
    ["resets 9am", new Date("2026-03-28T22:00:00Z"), BERLIN, "2026-03-29T07:00:00.000Z"],
    // Epoch seconds (claude 1.0.x "Claude AI usage limit reached|<epoch>").
    ["Claude AI usage limit reached|1762952400", NOW, BERLIN, "2025-11-12T13:00:00.000Z"],
  ])("%s (now %s, zone %s) -> %s", (text, now, zone, expected) => {
    expect(parseResetTime(text, { now, timeZone: zone })?.at.toISOString()).toBe(expected);
  });

  it.each([["Try again later."], ["You've hit your usage limit."], ["Limit 250000, Used 250000"]])(
    "%s -> null",
    (text) => {
      expect(parseResetTime(text, { now: NOW, timeZone: BERLIN })).toBeNull();
    },
  );

  it("reports the zone it read the time in", () => {
    expect(
      parseResetTime("resets 7pm (Asia/Seoul)", { now: NOW, timeZone: BERLIN })?.timeZone,
    ).toBe("Asia/Seoul");
    expect(parseResetTime("resets 7pm", { now: NOW, timeZone: BERLIN })?.timeZone).toBe(BERLIN);
  });

  it("uses the machine's zone when none is given", () => {
    const expected = new Date(NOW);
    expected.setHours(19, 0, 0, 0);
    if (expected <= NOW) expected.setDate(expected.getDate() + 1);
    expect(parseResetTime("resets 7pm", { now: NOW })?.at.toISOString()).toBe(
      expected.toISOString(),
    );
  });
});

describe("parseDuration", () => {
  it.each([
    ["2h 30m", 9_000_000],
    ["1m30s", 90_000],
    ["21.509s. Visit https://platform.openai.com", 21_509],
    ["3 days 6 hours 57 minutes", 284_220_000],
    ["1 hour, 5 minutes and 3 seconds", 3_903_000],
    ["120ms", 120],
    ["17 seconds", 17_000],
    ["5 items", null],
    ["soon", null],
  ])("%s -> %s", (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
});

describe("parseRetryAfterMs", () => {
  it.each([
    ["Please try again in 21.509s. Visit https://platform.openai.com/account/rate-limits", 21_509],
    ["Rate limit is exceeded. Try again in 17 seconds.", 17_000],
    ["Rate limit reached for gpt-4o. Please try again in 20s.", 20_000],
    // codex's own backoff between retries is not the server's request.
    ["stream error: retrying 5/5 in 3.32s…", null],
    ["Please try again later.", null],
  ])("%s -> %s", (text, expected) => {
    expect(parseRetryAfterMs(text)).toBe(expected);
  });
});
