import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { DECLARATIONS } from "../declarations/index.js";
import { cliDocs } from "./docs.js";

const page = fileURLToPath(new URL("../../../docs/cli.md", import.meta.url));

it("docs/cli.md is what the declarations say (npm run docs:cli rewrites it)", () => {
  const want = cliDocs(DECLARATIONS);
  if (process.env.AGENTMUX_WRITE_DOCS === "1") writeFileSync(page, want);
  let have = "";
  try {
    have = readFileSync(page, "utf8");
  } catch {
    // missing: the comparison below fails with the whole page as the difference
  }
  expect(have, "docs/cli.md is out of date: run npm run docs:cli").toBe(want);
});
