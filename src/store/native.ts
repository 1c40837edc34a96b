import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { packageRoot } from "../util/paths.js";

const ADDON = join("node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node");
let found: { nativeBinding?: string } | undefined;

/**
 * The SQLite addon's path for better-sqlite3's `nativeBinding` option,
 * looked up once the way Node resolves a package (node_modules of this
 * package, then of each parent). The CLI bundles better-sqlite3's JS
 * (build.mjs), so the `bindings` package's own search — relative to the
 * caller's file, a dozen candidates, ~5 ms of every `ls` — must not be
 * needed. Not found (an unusual layout): better-sqlite3 searches itself.
 */
export function sqliteNativeBinding(): { nativeBinding?: string } {
  if (found) return found;
  for (let dir = packageRoot; ; dir = dirname(dir)) {
    const path = join(dir, ADDON);
    if (existsSync(path)) return (found = { nativeBinding: path });
    if (dirname(dir) === dir) return (found = {});
  }
}
