// Builds `agentmux web`: the server (dist/web/server.js, loaded only by that
// command, so `ls` never compiles a byte of it) and the page (dist/web/public:
// index.html, app.js, app.css, and the terminal's chunk, which only the
// session page loads).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

export async function buildWeb() {
  const out = "dist/web";
  const pub = join(out, "public");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(pub, { recursive: true });
  writeFileSync(join(out, "package.json"), '{ "type": "commonjs" }\n');
  await build({
    entryPoints: { server: "src/web/main.ts" },
    outdir: out,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    define: { "import.meta.url": "__agentmuxModuleUrl" },
    banner: {
      js: 'var __agentmuxModuleUrl = require("node:url").pathToFileURL(__filename).href;',
    },
    sourcemap: "linked",
    logLevel: "warning",
  });
  await build({
    entryPoints: { app: "src/web/page/app.ts", style: "src/web/page/style.css" },
    outdir: pub,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: ["chrome110", "firefox110", "safari16"],
    minify: true,
    chunkNames: "chunk-[hash]",
    sourcemap: "linked",
    logLevel: "warning",
  });
  writeFileSync(
    join(pub, "index.html"),
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>agentmux</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/style.css">
<script type="module" src="/app.js"></script>
</head>
<body><main id="app"><p class="loading">loading…</p></main></body>
</html>
`,
  );
}
