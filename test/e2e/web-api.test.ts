import { appendFileSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { World, waitFor, type Status } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { rawGet, readEvents, webServer } from "../helpers/web.js";

/** A session that prints a marker, then waits for one line of input, echoes it and exits. */
async function startReader(w: World, repo: string, name: string): Promise<Status> {
  const r = await w.cli([
    "run",
    "cmd",
    "--name",
    name,
    "--cwd",
    repo,
    "--",
    "/bin/sh",
    "-c",
    'printf "ready\\n"; read line; printf "got:%s\\n" "$line"',
  ]);
  expect(r.code, r.stderr).toBe(0);
  const s = await w.waitStatus(name, (x) => x.state === "running");
  await waitFor("the prompt", () => readFileSync(s.logPath, "utf8").includes("ready"));
  return s;
}

/** Fields that move with the clock between two reads. */
function steady(s: Record<string, unknown>): Record<string, unknown> {
  const { durationMs: _d, lastOutputAt: _l, ...rest } = s;
  return rest;
}

describe("agentmux web: the API", () => {
  it("lists and shows sessions with exactly the CLI's ls --json and status --json", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli(["run", "cmd", "--name", "one", "--cwd", repo, "--", "/bin/sh", "-c", "echo hi"]);
    await w.waitEnded("one");
    const web = await webServer(w);
    const list = await web.json<Record<string, unknown>[]>("/api/sessions");
    const cli = await w.json<Record<string, unknown>[]>(["ls"]);
    expect(list.map(steady)).toEqual(cli.map(steady));
    const one = await web.json<Record<string, unknown>>("/api/sessions/one");
    expect(steady(one)).toEqual(steady(await w.json(["status", "one"])));
    const hist = await web.json<{ runs: { run: number; state: string }[] }>(
      "/api/sessions/one/history",
    );
    expect(hist.runs).toMatchObject([{ run: 1, state: "succeeded" }]);
  });

  it("kill ends the run, restart makes run 2, remove takes it off the list", async () => {
    const w = new World();
    const repo = tempRepo();
    await startReader(w, repo, "ctl");
    const web = await webServer(w);
    const killed = await web.json<Status>("/api/sessions/ctl/kill", {});
    expect(killed.state).toBe("killed");
    const restarted = await web.json<{ run: number; runs: number }>(
      "/api/sessions/ctl/restart",
      {},
    );
    expect(restarted).toMatchObject({ run: 2, runs: 2 });
    await w.waitStatus("ctl", (s) => s.state === "running");
    const busy = await web.api("/api/sessions/ctl/remove", { body: {} });
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { error: { message: string } }).error.message).toContain("ctl");
    await web.json("/api/sessions/ctl/kill", {});
    const hist = await web.json<{ runs: { run: number; state: string }[] }>(
      "/api/sessions/ctl/history",
    );
    expect(hist.runs.map((r) => [r.run, r.state])).toEqual([
      [1, "killed"],
      [2, "killed"],
    ]);
    expect(await web.json("/api/sessions/ctl/remove", {})).toEqual({
      removed: ["ctl"],
      purged: false,
    });
    const names = (await web.json<{ name: string }[]>("/api/sessions")).map((s) => s.name);
    expect(names).not.toContain("ctl");
  });

  it("sends a line of input to the pane as literal text", async () => {
    const w = new World();
    const repo = tempRepo();
    const s = await startReader(w, repo, "typing");
    const web = await webServer(w);
    const line = "-x $HOME; `id` ;";
    expect(await web.json("/api/sessions/typing/input", { text: line })).toEqual({ sent: true });
    await waitFor("the echo", () => readFileSync(s.logPath, "utf8").includes(`got:${line}`));
    await w.waitEnded("typing");
    const after = await web.api("/api/sessions/typing/input", { body: { text: "more" } });
    expect(after.status).toBe(409);
  });

  it("starts a run and a loop through the CLI's own checks", async () => {
    const w = new World();
    const repo = tempRepo();
    const web = await webServer(w);
    const res = await web.api("/api/runs", {
      body: {
        agent: "cmd",
        name: "formed",
        cwd: repo,
        prompt: "-not-an-option",
        command: ["/bin/sh", "-c", "cat; echo"],
      },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ name: "formed", agent: "cmd" });
    const done = await w.waitEnded("formed");
    expect(readFileSync(done.logPath, "utf8")).toContain("-not-an-option");
    const loop = await web.api("/api/loops", {
      body: { agent: "demo", prd: "NOPE.md", cwd: repo, name: "lp" },
    });
    expect(loop.status).toBe(400);
    expect(((await loop.json()) as { error: { message: string } }).error.message).toContain(
      "NOPE.md",
    );
  });

  it.each([
    ["an unknown agent", "/api/runs", { agent: "gpt-9", cwd: "/" }, "gpt-9"],
    ["a bad name", "/api/runs", { agent: "demo", name: "no spaces", cwd: "/" }, "no spaces"],
    ["a missing cwd", "/api/runs", { agent: "demo", cwd: "/nonexistent/dir" }, "/nonexistent/dir"],
    ["no agent", "/api/runs", { cwd: "/" }, "agent"],
    ["a command that is not a list", "/api/runs", { agent: "cmd", command: "rm -rf /" }, "command"],
    ["text that is not a string", "/api/sessions/x/input", { text: 42 }, "42"],
  ])("answers %s with 400 naming it", async (_what, path, body, named) => {
    const w = new World();
    const web = await webServer(w);
    if (path.includes("/x/")) await startReader(w, tempRepo(), "x");
    const res = await web.api(path, { body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(named);
  });

  it("rejects a session name the CLI would reject (400), an unknown one (404), a multi-line input (400)", async () => {
    const w = new World();
    const web = await webServer(w);
    const bad = await web.api("/api/sessions/bad%20name");
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { error: { code: string; message: string } }).error,
    ).toMatchObject({
      code: "bad-name",
      message: expect.stringContaining("bad name") as unknown,
    });
    expect((await web.api("/api/sessions/nobody")).status).toBe(404);
    await startReader(w, tempRepo(), "ml");
    const ml = await web.api("/api/sessions/ml/input", { body: { text: "a\nb" } });
    expect(ml.status).toBe(400);
    const notJson = await web.api("/api/runs", {
      body: undefined,
      method: "POST",
      headers: { "content-type": "text/plain" },
    });
    expect(notJson.status).toBe(400);
    expect((await web.api("/api/nothing")).status).toBe(404);
    expect((await web.api("/api/sessions", { method: "DELETE" })).status).toBe(405);
  });

  it("pushes the list when a run ends (store events, no polling)", async () => {
    const w = new World();
    const repo = tempRepo();
    await startReader(w, repo, "ev");
    const web = await webServer(w);
    const res = await web.api("/api/events");
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    let sent = false;
    const events = await readEvents(res, (evs) => {
      const last = evs.at(-1);
      if (last && !sent) {
        sent = true;
        void web.api("/api/sessions/ev/input", { body: { text: "bye" } });
      }
      return (
        last !== undefined &&
        (JSON.parse(last.data) as Status[]).some((s) => s.name === "ev" && s.state === "succeeded")
      );
    });
    expect(events[0]?.event).toBe("sessions");
    expect((JSON.parse(events[0]!.data) as Status[]).find((s) => s.name === "ev")?.state).toBe(
      "running",
    );
  });

  it("streams the pane log with byte offsets as ids and resumes with nothing lost or repeated", async () => {
    const w = new World();
    const repo = tempRepo();
    const s = await startReader(w, repo, "log");
    const web = await webServer(w);
    const first = await readEvents(await web.api("/api/sessions/log/stream"), (evs) =>
      evs.some((e) => e.event === "data"),
    );
    expect(first[0]).toMatchObject({ event: "reset", id: "1:0" });
    const seen = Buffer.concat(
      first.filter((e) => e.event === "data").map((e) => Buffer.from(e.data, "base64")),
    );
    const lastId = first.at(-1)!.id!;
    expect(lastId).toBe(`1:${seen.length}`);
    // Written while nobody watched: a split UTF-8 character and colours.
    appendFileSync(s.logPath, Buffer.from("\x1b[31mré", "utf8").subarray(0, 7));
    appendFileSync(
      s.logPath,
      Buffer.concat([Buffer.from("é", "utf8").subarray(1), Buffer.from("d\x1b[0m ✓\n")]),
    );
    const size = readFileSync(s.logPath).length;
    const rest = await readEvents(
      await web.api("/api/sessions/log/stream", { headers: { "last-event-id": lastId } }),
      (evs) => evs.at(-1)?.id === `1:${size}`,
    );
    expect(rest.some((e) => e.event === "reset")).toBe(false);
    const more = Buffer.concat(
      rest.filter((e) => e.event === "data").map((e) => Buffer.from(e.data, "base64")),
    );
    expect(Buffer.concat([seen, more]).equals(readFileSync(s.logPath))).toBe(true);
  });
});

describe("agentmux web: who may ask", () => {
  it("needs the bearer token on every API request (401), never a cookie or a query", async () => {
    const w = new World();
    const web = await webServer(w);
    for (const path of ["/api/sessions", "/api/events", "/api/sessions/x/stream", "/api/nothing"]) {
      expect((await fetch(web.origin + path)).status, path).toBe(401);
      const wrong = await fetch(web.origin + path, {
        headers: { authorization: `Bearer ${web.token.slice(0, -1)}A` },
      });
      expect(wrong.status, path).toBe(401);
    }
    expect((await fetch(`${web.origin}/api/sessions?token=${web.token}`)).status).toBe(401);
    expect(
      (await fetch(`${web.origin}/api/sessions`, { headers: { cookie: `token=${web.token}` } }))
        .status,
    ).toBe(401);
    const post = await fetch(`${web.origin}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ agent: "demo" }),
    });
    expect(post.status).toBe(401);
    expect((await web.api("/api/sessions")).status).toBe(200);
    // The page itself holds no data and must load to read the token.
    const page = await fetch(web.origin + "/");
    expect(page.status).toBe(200);
    expect(page.headers.get("set-cookie")).toBeNull();
  });

  it("answers only to its own Host (421: DNS rebinding)", async () => {
    const w = new World();
    const web = await webServer(w);
    for (const host of ["evil.example", `evil.example:${web.port}`, `127.0.0.1:${web.port + 1}`]) {
      const r = await rawGet(web.port, "/api/sessions", {
        host,
        authorization: `Bearer ${web.token}`,
      });
      expect(r.status, host).toBe(421);
    }
    for (const host of [`127.0.0.1:${web.port}`, `localhost:${web.port}`]) {
      const r = await rawGet(web.port, "/api/sessions", {
        host,
        authorization: `Bearer ${web.token}`,
      });
      expect(r.status, host).toBe(200);
    }
    expect((await rawGet(web.port, "/", { host: "evil.example" })).status).toBe(421);
  });

  it("refuses a foreign Origin (403) and sends no CORS headers", async () => {
    const w = new World();
    const web = await webServer(w);
    for (const origin of [
      "http://evil.example",
      `http://127.0.0.1:${web.port + 1}`,
      "null",
      `https://127.0.0.1:${web.port}`,
    ]) {
      const r = await web.api("/api/sessions", { headers: { origin } });
      expect(r.status, origin).toBe(403);
      expect(r.headers.get("access-control-allow-origin")).toBeNull();
    }
    const cross = await web.api("/api/sessions", { headers: { "sec-fetch-site": "cross-site" } });
    expect(cross.status).toBe(403);
    const own = await web.api("/api/sessions", { headers: { origin: web.origin } });
    expect(own.status).toBe(200);
    expect(own.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(web.origin + "/api/sessions", {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sends a strict CSP, nosniff and no-referrer on pages and API answers; serves only its own files", async () => {
    const w = new World();
    const web = await webServer(w);
    for (const r of [
      await fetch(web.origin + "/"),
      await fetch(web.origin + "/app.js"),
      await web.api("/api/sessions"),
      await fetch(web.origin + "/api/sessions"),
    ]) {
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
    }
    expect((await fetch(web.origin + "/s/anything")).headers.get("content-type")).toContain(
      "text/html",
    );
    for (const path of ["/../package.json", "/%2e%2e/package.json", "/server.js", "/nope.js"]) {
      expect((await rawGet(web.port, path, { host: `127.0.0.1:${web.port}` })).status, path).toBe(
        404,
      );
    }
    expect((await fetch(web.origin + "/", { method: "POST" })).status).toBe(405);
  });
});
