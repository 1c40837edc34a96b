import { describe, expect, it, onTestFinished } from "vitest";
import { openStore } from "./open.js";
import type { Store } from "./store.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { testSpec } from "../../test/helpers/spec.js";
import { clearErrored, erroredRecord, isErrored, markErrored } from "./errored.js";

function store() {
  const s = openStore(tempDir());
  onTestFinished(() => s.close());
  return s;
}

const session = (s: Store, name: string): number =>
  s.createSession({ name, kind: "agent", agent: "cmd", spec: testSpec() }).id;

describe("errored flag", () => {
  it("is marked once, cleared by a manual restart, and remembers when", () => {
    const s = store();
    const a = session(s, "a");
    const b = session(s, "b");
    expect(isErrored(s, a)).toBe(false);
    expect(markErrored(s, a, "5 failures", new Date("2025-01-01T00:00:00Z"))).toBe(true);
    // A second monitor racing the first: no second notification.
    expect(markErrored(s, a, "5 failures")).toBe(false);
    expect(isErrored(s, a)).toBe(true);
    expect(isErrored(s, b)).toBe(false);
    expect(s.erroredSessionIds()).toEqual(new Set([a]));
    expect(clearErrored(s, a, new Date("2025-01-01T01:00:00Z"))).toBe(true);
    expect(erroredRecord(s, a)).toEqual({
      errored: false,
      since: "2025-01-01T00:00:00.000Z",
      reason: "5 failures",
      clearedAt: "2025-01-01T01:00:00.000Z",
    });
    expect(s.erroredSessionIds()).toEqual(new Set());
    expect(markErrored(s, a, "again")).toBe(true);
  });

  it("clearing a session that was never errored is harmless", () => {
    const s = store();
    const c = session(s, "c");
    expect(clearErrored(s, c)).toBe(false);
    expect(isErrored(s, c)).toBe(false);
  });

  it("goes with its session when the session is purged", () => {
    const s = store();
    const d = session(s, "d");
    markErrored(s, d, "crash loop");
    s.purgeSession(d);
    expect(s.errored(d)).toBeNull();
  });
});
