#!/usr/bin/env node
"use strict";
// agentmux's entry point (copied to dist/bin/main.js by build.mjs): runs a
// bundle through V8's code cache, so what the build's warm-up run compiled is
// not compiled again (`ls` must answer within 1.5x `node -e 0`). A cache from
// another Node build is rejected by V8 and the bundle compiles as usual.
// CommonJS and no imports of our own: this file is read on every start.
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");

// No V8 flags. A larger young generation (--semi-space-growth-factor,
// --min-semi-space-size) spares `ls` collections, but its fresh pages cost
// more than the copies they save: slower at 200 sessions, no faster at 1,000
// (docs/benchmarks.md). A flag would also have to be set before the bundle is
// compiled: V8's code cache records the flags and rejects a cache made under others.

// `ls` has a bundle of its own (ls.js, from src/cli/ls-main.ts): less than
// half the code to read and deserialise, ~6 ms less at every start. Every
// other command runs bundle.js. The build's warm-up runs name the bundle
// whose cache they write.
const BUNDLES = ["bundle", "ls"];
const building = process.env.AGENTMUX_BUILD_CODE_CACHE;
const name = BUNDLES.includes(building) ? building : process.argv[2] === "ls" ? "ls" : "bundle";
const file = join(__dirname, `${name}.js`);
const cacheFile = join(__dirname, `${name}.cache`);
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
if (building === name) {
  process.once("exit", () => writeFileSync(cacheFile, script.createCachedData()));
}
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, __dirname);
