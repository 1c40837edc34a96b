// Builds the CLI with esbuild. Type checking is `npm run typecheck` (tsc); this only emits.
//
// Why it is built this way: `agentmux ls` must answer within 1.5x `node -e 0`,
// and what a Node CLI spends beyond Node's own start is mostly loading code.
// - One CommonJS bundle (dist/bin/bundle.js), not ES modules: no module
//   resolution per file, and no ESM loader at all (dist/bin/package.json
//   says "commonjs"). Commands stay lazy: esbuild turns each `import()` of a
//   command into a function that initialises its code on first use. `ls`,
//   run most often, also has a bundle of its own (dist/bin/ls.js), less than
//   half the size, picked by the entry.
// - dist/bin/main.js, the entry (src/bin/main.cjs), compiles the bundle with V8's code cache
//   (dist/bin/bundle.cache and ls.cache, each written here by a warm-up run),
//   so what that run compiled is not compiled again. A cache from another Node build is
//   rejected by V8 and the bundle is compiled as usual.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { buildWeb } from "./build-web.mjs";

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
  entryPoints: {
    bundle: "src/cli/main.ts",
    ls: "src/cli/ls-main.ts",
    "demo-agent": "src/agents/demo-agent.ts",
  },
});
// The MCP server (with its SDK) in its own file, loaded only by `agentmux mcp`:
// merely present in bundle.js it would add to every command's start.
await build({ ...common, entryPoints: { mcp: "src/mcp/main.ts" } });

// The library (`import ... from "agentmux"`): one ES module. Its own
// import.meta.url locates the package (dist/lib/ is as deep as dist/bin/);
// better-sqlite3 stays a dependency, resolved by Node. Types: npm run build:types.
rmSync("dist/lib", { recursive: true, force: true });
await build({
  entryPoints: { index: "src/api/index.ts" },
  outdir: "dist/lib",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["better-sqlite3"],
  sourcemap: "linked",
  logLevel: "warning",
});
await buildWeb();

// The entry is a plain source file, linted like the rest; copied, not bundled.
copyFileSync("src/bin/main.cjs", join(out, "main.js"));
chmodSync(join(out, "main.js"), 0o755);

// The warm-up: one `ls --json` in an empty, private world (no tmux server is started).
// Before it, `agentmux mcp` answers initialize and tools/list once, for mcp.cache.
const tmp = mkdtempSync(join(tmpdir(), "agentmux-build-"));
const frame = (id, method, params) => JSON.stringify({ jsonrpc: "2.0", id, method, params });
try {
  execFileSync(process.execPath, [join(out, "main.js"), "mcp"], {
    input: [
      frame(1, "initialize", {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "build", version: "1" },
      }),
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      frame(2, "tools/list", {}),
      "",
    ].join("\n"),
    stdio: ["pipe", "ignore", "ignore"],
    env: {
      ...process.env,
      AGENTMUX_BUILD_MCP_CACHE: "1",
      HOME: tmp,
      AGENTMUX_HOME: join(tmp, "state"),
      AGENTMUX_SOCKET: join(tmp, "sock"),
      AGENTMUX_CONFIG: join(tmp, "config.json"),
    },
  });
} catch (e) {
  console.warn(`build: no code cache for mcp.js (${e.message.split("\n")[0]})`);
}
try {
  // `ls --json` through each bundle: bundle.js's cache then holds the
  // dispatch and the store, tmux and session code other commands share.
  for (const bundle of ["bundle", "ls"]) {
    execFileSync(process.execPath, [join(out, "main.js"), "ls", "--json"], {
      stdio: "ignore",
      env: {
        ...process.env,
        AGENTMUX_BUILD_CODE_CACHE: bundle,
        HOME: tmp,
        AGENTMUX_HOME: join(tmp, "state"),
        AGENTMUX_SOCKET: join(tmp, "sock"),
        AGENTMUX_CONFIG: join(tmp, "config.json"),
      },
    });
  }
} catch (e) {
  // Only slower without it.
  console.warn(`build: no code cache (${e.message.split("\n")[0]})`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
