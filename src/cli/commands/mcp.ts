import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Script } from "node:vm";
import { packageRoot } from "../../util/paths.js";

/**
 * `agentmux mcp`: runs the MCP server from its own bundle (dist/bin/mcp.js),
 * so the SDK (about a megabyte of code) never slows the other commands down.
 * Like bundle.js (see build.mjs), it is compiled with V8's code cache,
 * dist/bin/mcp.cache, written by the build's warm-up run: compiling the
 * SDK is most of this command's start-up. A cache from another Node build
 * is rejected by V8 and the code is compiled as usual.
 */
export function main(argv: string[]): Promise<number> {
  const dir = join(packageRoot, "dist", "bin");
  const file = join(dir, "mcp.js");
  const cacheFile = join(dir, "mcp.cache");
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // no cache: compile as usual
  }
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`,
    { filename: file, ...(cachedData ? { cachedData } : {}) },
  );
  if (process.env.AGENTMUX_BUILD_MCP_CACHE === "1") {
    process.once("exit", () => writeFileSync(cacheFile, script.createCachedData()));
  }
  const mod = { exports: {} as { main?: (argv: string[]) => Promise<number> } };
  (script.runInThisContext() as (...a: unknown[]) => void).call(
    mod.exports,
    mod.exports,
    createRequire(file),
    mod,
    file,
    dir,
  );
  if (!mod.exports.main) throw new Error(`${file} has no main: rebuild agentmux (npm run build)`);
  return mod.exports.main(argv);
}
