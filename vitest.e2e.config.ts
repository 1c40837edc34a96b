import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";
import { SRC_TMUX_TESTS } from "./vitest.split.js";

// `npm run test:e2e`: test/e2e (the CLI on real tmux and git) and the src tests
// that start a private tmux server (see vitest.split.ts).
export default defineConfig({
  test: { ...base.test, include: ["test/**/*.test.ts", ...SRC_TMUX_TESTS] },
});
