import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/agents/**", "node_modules/**", "dist/**"],
    // Adapter tests start real tmux servers and git repos; on a 2-core machine
    // a few workers keep them from starving each other.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
