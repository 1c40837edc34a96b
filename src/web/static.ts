import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { sendError } from "./http.js";
import { SECURITY_HEADERS } from "./security.js";

const TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  map: "application/json; charset=utf-8",
  png: "image/png",
  svg: "image/svg+xml",
};

const cache = new Map<string, Buffer>();

/**
 * The built page: one flat directory. Page routes ("/", "/s/NAME", "/h/HOST/s/NAME") get
 * index.html; a file is served only by its plain name, so no path can leave
 * the directory.
 */
export function serveStatic(dir: string, path: string, res: ServerResponse): void {
  const file =
    path === "/" || path.startsWith("/s/") || path.startsWith("/h/") ? "index.html" : path.slice(1);
  const ext = /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.([a-z]+)$/.exec(file)?.[1];
  const type = ext === undefined ? undefined : TYPES[ext];
  if (type === undefined || file.includes("..")) {
    sendError(res, 404, "not-found", `${path}: no such page`);
    return;
  }
  let body = cache.get(join(dir, file));
  if (body === undefined) {
    try {
      body = readFileSync(join(dir, file));
    } catch {
      sendError(
        res,
        404,
        "not-found",
        `${path}: no such page`,
        "run npm run build if the dashboard was never built",
      );
      return;
    }
    cache.set(join(dir, file), body);
  }
  res.writeHead(200, { ...SECURITY_HEADERS, "content-type": type, "content-length": body.length });
  res.end(body);
}
