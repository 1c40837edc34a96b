import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";
import { SRC_ADAPTER_TESTS } from "./vitest.split.js";

// `npm run test:adapters`: src tests on real git, perl, shells and processes (see vitest.split.ts).
export default defineConfig({
  test: { ...base.test, include: SRC_ADAPTER_TESTS },
});
