#!/usr/bin/env node
"use strict";
// agentmux's entry point (copied to dist/bin/main.js by build.mjs): runs
// bundle.js through V8's code cache, so what the build's warm-up run compiled
// is not compiled again (`ls` must answer within 1.5x `node -e 0`). A cache
// from another Node build is rejected by V8 and the bundle compiles as usual.
// CommonJS and no imports of our own: this file is read on every start.
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");
const { setFlagsFromString } = require("node:v8");

// The young generation grows in one step instead of doubling from 1 MB one
// collection at a time. `ls` keeps every row alive until it prints them all
// (~5 MB at 1,000 sessions), so each of those collections copied nearly all
// of it: five collections, a third of ls's CPU beyond Node's own start; now
// two. It only grows where collections find most objects alive. Set here,
// before the bundle is compiled, because V8's code cache records the flags:
// set later, the cache written by the build would not match and be rejected.
setFlagsFromString("--semi-space-growth-factor=16");

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
// The same wrapper Node gives a CommonJS module, so the bundle runs as one.
const script = new Script(
  "(function (exports, require, module, __filename, __dirname) {" + source + "\n})",
  { filename: file, cachedData },
);
if (process.env.AGENTMUX_BUILD_CODE_CACHE === "1") {
  process.once("exit", () => writeFileSync(cacheFile, script.createCachedData()));
}
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, __dirname);
