import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";
import { SRC_ADAPTER_TESTS, SRC_TMUX_TESTS } from "./vitest.split.js";

// `npm run test:unit`: src tests that start no process (see vitest.split.ts).
export default defineConfig({
  test: {
    ...base.test,
    include: ["src/**/*.test.ts"],
    exclude: [...(base.test?.exclude ?? []), ...SRC_TMUX_TESTS, ...SRC_ADAPTER_TESTS],
    setupFiles: ["test/helpers/no-spawn.ts"],
  },
});
