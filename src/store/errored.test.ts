import { describe, expect, it, onTestFinished } from "vitest";
import { openStore } from "./open.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { clearErrored, erroredRecord, isErrored, markErrored } from "./errored.js";

function store() {
  const s = openStore(tempDir());
  onTestFinished(() => s.close());
  return s;
}

describe("errored flag", () => {
  it("is marked once, cleared by a manual restart, and remembers when", () => {
    const s = store();
    expect(isErrored(s, 7)).toBe(false);
    expect(markErrored(s, 7, "5 failures", new Date("2025-01-01T00:00:00Z"))).toBe(true);
    // A second monitor racing the first: no second notification.
    expect(markErrored(s, 7, "5 failures")).toBe(false);
    expect(isErrored(s, 7)).toBe(true);
    expect(isErrored(s, 8)).toBe(false);
    expect(clearErrored(s, 7, new Date("2025-01-01T01:00:00Z"))).toBe(true);
    expect(erroredRecord(s, 7)).toEqual({
      errored: false,
      since: "2025-01-01T00:00:00.000Z",
      reason: "5 failures",
      clearedAt: "2025-01-01T01:00:00.000Z",
    });
    expect(markErrored(s, 7, "again")).toBe(true);
  });

  it("clearing a session that was never errored is harmless", () => {
    const s = store();
    expect(clearErrored(s, 3)).toBe(false);
    expect(isErrored(s, 3)).toBe(false);
  });

  it("an unreadable record counts as errored (no restarts) until cleared", () => {
    const s = store();
    s.setMeta("errored:4", "{oops");
    expect(isErrored(s, 4)).toBe(true);
    clearErrored(s, 4);
    expect(isErrored(s, 4)).toBe(false);
  });
});
