import { describe, expect, it } from "vitest";
import { Router, type Handler } from "./http.js";

describe("the router", () => {
  const h: Handler = () => Promise.resolve();
  const r = new Router().add("GET", "/api/sessions", h).add("POST", "/api/sessions/:name/kill", h);

  it("matches a path and decodes its params", () => {
    const m = r.match("POST", "/api/sessions/a%20b/kill");
    expect("params" in m && m.params).toEqual({ name: "a b" });
  });

  it.each([
    ["GET", "/api/sessions/x/kill", 405],
    ["GET", "/api/sessions/x/y/kill", 404],
    ["GET", "/api/sessionsX", 404],
    ["PUT", "/api/sessions", 405],
  ])("%s %s -> %i", (method, path, status) => {
    const m = r.match(method, path);
    expect("status" in m && m.status).toBe(status);
  });
});
