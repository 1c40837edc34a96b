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
