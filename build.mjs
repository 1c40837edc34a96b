// Bundles the CLI with esbuild. Why: `agentmux ls` must answer within 1.5x
// `node -e 0`, and resolving/loading ~80 small ES modules cost ~30 ms of that.
// Code splitting keeps each command's code in its own chunk, loaded lazily.
// Type checking is `npm run typecheck` (tsc); this only emits.
import { build } from "esbuild";

await build({
  entryPoints: { main: "src/cli/main.ts", "demo-agent": "src/agents/demo-agent.ts" },
  outdir: "dist/bin",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Native addon: loaded from node_modules as is.
  external: ["better-sqlite3"],
  sourcemap: "linked",
  chunkNames: "chunk-[hash]",
  logLevel: "warning",
});
