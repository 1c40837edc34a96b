import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { MAIN_JS, World, waitFor } from "../helpers/cli.js";

/** `agentmux web` as a user starts it: a foreground process, stopped by its pid. */
function startWeb(w: World, args: string[]) {
  const child = spawn(process.execPath, [MAIN_JS, "web", ...args], { env: w.env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  onTestFinished(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
  });
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe("agentmux web, the command", () => {
  it("prints {url, port, pid} first with --json, serves the page and the API, and stops on SIGTERM", async () => {
    const w = new World();
    const web = startWeb(w, ["--port", "0", "--json"]);
    const line = await waitFor(
      "the first line",
      () => web.out().split("\n").length > 1 && web.out().split("\n")[0],
    );
    const info = JSON.parse(line) as { url: string; port: number; pid: number };
    expect(info.pid).toBe(web.child.pid);
    expect(info.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${info.port}/#token=[A-Za-z0-9_-]{43}$`),
    );
    const token = info.url.split("#token=")[1] ?? "";
    const origin = `http://127.0.0.1:${info.port}`;
    expect((await fetch(origin + "/")).status).toBe(200);
    const list = await fetch(origin + "/api/sessions", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await list.json()).toEqual([]);
    // The token is never written anywhere but the URL line.
    expect(web.err()).not.toContain(token);
    web.child.kill("SIGTERM");
    expect(await web.exited).toBe(0);
  });

  it("a port in use is one clear error with a hint; a bad --port is a usage error", async () => {
    const w = new World();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    onTestFinished(() => new Promise<void>((r) => blocker.close(() => r())));
    const port = (blocker.address() as { port: number }).port;
    const busy = await w.cli(["web", "--port", String(port)]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(busy.stderr).toContain("hint: ");
    const bad = await w.cli(["web", "--port", "99999"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("99999");
  });

  it("warns when bound to an address other than loopback", async () => {
    const w = new World();
    const web = startWeb(w, ["--port", "0", "--bind", "0.0.0.0"]);
    await waitFor("the warning", () => web.err().includes("warning: listening on 0.0.0.0"));
    // Reached here through loopback; from elsewhere by any of the machine's addresses.
    expect(web.out()).toContain("http://127.0.0.1:");
    web.child.kill("SIGINT");
    expect(await web.exited).toBe(0);
  });
});
