// Builds the CLI with esbuild. Type checking is `npm run typecheck` (tsc); this only emits.
//
// Why it is built this way: `agentmux ls` must answer within 1.5x `node -e 0`,
// and what a Node CLI spends beyond Node's own start is mostly loading code.
// - One CommonJS bundle (dist/bin/bundle.js), not ES modules: no module
//   resolution per file, and no ESM loader at all (dist/bin/package.json
//   says "commonjs"). Commands stay lazy: esbuild turns each `import()` of a
//   command into a function that initialises its code on first use.
// - dist/bin/main.js, the entry, compiles the bundle with V8's code cache
//   (dist/bin/bundle.cache, written here by one warm-up run), so what that run
//   compiled is not compiled again. A cache from another Node build is
//   rejected by V8 and the bundle is compiled as usual.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";

const out = "dist/bin";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "package.json"), '{ "type": "commonjs" }\n');

const common = {
  outdir: out,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // Native addon: loaded from node_modules as is.
  external: [],
  // The sources locate the package (and demo-agent.js) from import.meta.url.
  define: { "import.meta.url": "__agentmuxModuleUrl" },
  banner: { js: 'var __agentmuxModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: "linked",
  logLevel: "warning",
};
await build({
  ...common,
  entryPoints: { bundle: "src/cli/main.ts", "demo-agent": "src/agents/demo-agent.ts" },
});
// The MCP server (with its SDK) in its own file, loaded only by `agentmux mcp`:
// merely present in bundle.js it would add to every command's start.
await build({ ...common, entryPoints: { mcp: "src/mcp/main.ts" } });

writeFileSync(
  join(out, "main.js"),
  `#!/usr/bin/env node
"use strict";
// agentmux's entry point: runs bundle.js with V8's code cache (see build.mjs).
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");
const file = join(__dirname, "bundle.js");
const cacheFile = join(__dirname, "bundle.cache");
let source = readFileSync(file, "utf8");
if (source.startsWith("#!")) source = "//" + source.slice(2);
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined; // no cache: compile as usual
}
const script = new Script(
  "(function (exports, require, module, __filename, __dirname) {" + source + "\\n})",
  { filename: file, cachedData },
);
if (process.env.AGENTMUX_BUILD_CODE_CACHE === "1") {
  process.once("exit", () => writeFileSync(cacheFile, script.createCachedData()));
}
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, __dirname);
`,
  { mode: 0o755 },
);

// The warm-up: one `ls --json` in an empty, private world (no tmux server is started).
const tmp = mkdtempSync(join(tmpdir(), "agentmux-build-"));
try {
  execFileSync(process.execPath, [join(out, "main.js"), "ls", "--json"], {
    stdio: "ignore",
    env: {
      ...process.env,
      AGENTMUX_BUILD_CODE_CACHE: "1",
      HOME: tmp,
      AGENTMUX_HOME: join(tmp, "state"),
      AGENTMUX_SOCKET: join(tmp, "sock"),
      AGENTMUX_CONFIG: join(tmp, "config.json"),
    },
  });
} catch (e) {
  // Only slower without it.
  console.warn(`build: no code cache (${e.message.split("\n")[0]})`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
