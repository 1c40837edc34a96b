import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import type { UsageJson } from "../usage/types.js";
import { openStore } from "./open.js";

const used = (input: number, usd: number | null): UsageJson & { source: "codex" } => ({
  input,
  cachedInput: null,
  cacheCreation: null,
  output: 10,
  reasoning: null,
  model: "gpt-x",
  cost: { usd, basis: usd === null ? "none" : "estimated" },
  source: "codex",
});

describe("the usage table", () => {
  it("keeps one report per run and per iteration; recording again replaces it", () => {
    const store = openStore(tempDir());
    try {
      const s = store.createSession({ name: "a", kind: "agent", agent: "codex", spec: {} });
      const r = store.createRun(s.id, {
        state: "running",
        runDir: "/r",
        logPath: "/r/log",
        startedAt: new Date().toISOString(),
      });
      expect(store.runUsage(r.id)).toBeNull();
      store.recordUsage({ runId: r.id, sessionId: s.id, iterationId: null, usage: used(5, null) });
      store.recordUsage({ runId: r.id, sessionId: s.id, iterationId: null, usage: used(7, 0.5) });
      expect(store.runUsage(r.id)).toEqual(used(7, 0.5));

      store.trySettle(r.id, "succeeded", { endedAt: new Date().toISOString() });
      const since = new Date(Date.now() - 60_000).toISOString();
      expect(store.usageSince(since)).toEqual([
        expect.objectContaining({ session: "a", agent: "codex", usage: used(7, 0.5) }),
      ]);
      expect(store.usageSince(new Date(Date.now() + 60_000).toISOString())).toEqual([]);
    } finally {
      store.close();
    }
  });
});
