import { defineConfig } from "vitest/config";

// Optional suite: drives the real codex and claude CLIs (installed on demand
// into a cache directory) against a scripted model server on loopback.
export default defineConfig({
  test: {
    include: ["test/agents/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    maxWorkers: 1,
  },
});
