import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { World, waitFor } from "../helpers/cli.js";
import {
  asHostUser,
  createSimHosts,
  simHostsUnavailable,
  startSshd,
  stopSshd,
  type SimHost,
  type SimWorld,
} from "../helpers/sim-hosts.mjs";
import { tempDir } from "../helpers/tmp.js";
import { CHROMIUM, browserAvailable, webServer } from "../helpers/web.js";

/**
 * The dashboard with registered hosts, in a real browser (chromium through
 * playwright-core) against hosts simulated on this machine (network
 * namespaces, an sshd and a user each: test/helpers/sim-hosts.mjs). Needs
 * root, sshd and chromium; skips without them except in CI.
 */
const unavailable = simHostsUnavailable() ?? (browserAvailable ? null : "no chromium");
const skip = unavailable !== null && !process.env.CI;

describe.skipIf(skip)(
  `the dashboard shows remote sessions with their host${skip ? ` (skipped: ${unavailable})` : ""}`,
  { timeout: 120_000 },
  () => {
    let sim: SimWorld;
    let h0: SimHost;
    let h1: SimHost;
    let browser: Browser;
    beforeAll(async () => {
      sim = await createSimHosts(2);
      [h0, h1] = sim.hosts as [SimHost, SimHost];
      if (CHROMIUM === null) throw new Error("no chromium here (CI must install it)");
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-sync",
        ],
      });
    }, 90_000);
    afterAll(async () => {
      await browser?.close();
      await sim?.teardown();
    }, 60_000);

    it("lists local and remote sessions with a HOST label, live; a dead host is a row; a remote session opens read-only", async () => {
      const w = new World();
      // The in-process server reaches the hosts the way the CLI does.
      Object.assign(w.env, sim.env);
      for (const h of sim.hosts) {
        const r = await w.cli(["host", "add", h.name, h.name]);
        expect(r.code, r.stderr).toBe(0);
      }
      onTestFinished(async () => {
        for (const h of sim.hosts) await w.cli(["host", "rm", h.name]);
      });
      const gate = `${h0.home}/proj/web-gate-${Date.now()}`;
      const far = await w.cli([
        "run",
        "cmd",
        "--host",
        "h0",
        "--name",
        "far",
        "--cwd",
        "proj",
        "--",
        "sh",
        "-c",
        `echo 'hello from h0'; while [ ! -e ${gate} ]; do sleep 0.05; done`,
      ]);
      expect(far.code, far.stderr).toBe(0);
      const repo = tempDir();
      const here = await w.cli(["run", "cmd", "--name", "here", "--cwd", repo, "--", "true"]);
      expect(here.code, here.stderr).toBe(0);

      const web = await webServer(w);
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      onTestFinished(() => context.close());
      const page: Page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${web.origin}/#token=${web.token}`);
      await page.waitForSelector('li[data-host="h0"][data-name="far"][data-state="running"]', {
        timeout: 20_000,
      });
      await page.waitForSelector('li[data-host="local"][data-name="here"]');
      expect(await page.textContent('li[data-host="h0"][data-name="far"] .host')).toBe("h0");
      expect(await page.textContent('li[data-host="local"][data-name="here"] .host')).toBe("local");
      // Live: the run ends on h0, and the row follows (its event channel, no reload).
      asHostUser(h0, ["touch", gate]);
      await page.waitForSelector('li[data-host="h0"][data-name="far"][data-state="succeeded"]', {
        timeout: 20_000,
      });

      // h1 goes away: it becomes a row saying so, and the local list keeps moving.
      await stopSshd(h1);
      onTestFinished(() => startSshd(h1));
      await page.waitForSelector('#hosts-down li[data-host="h1"]', { timeout: 30_000 });
      expect(await page.textContent('#hosts-down li[data-host="h1"]')).toMatch(/unreachable/);
      const later = await w.cli(["run", "cmd", "--name", "later", "--cwd", repo, "--", "true"]);
      expect(later.code, later.stderr).toBe(0);
      await page.waitForSelector('li[data-host="local"][data-name="later"]', { timeout: 5_000 });
      const shots = process.env.AGENTMUX_SCREENSHOTS ?? tempDir("agentmux-shots-");
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, "web-hosts.png"), fullPage: true });

      // A remote session opens read-only: its status and the end of its output.
      await page.click('li[data-host="h0"][data-name="far"] a.name');
      await page.waitForSelector("#read-only");
      expect(await page.textContent("#read-only")).toContain("agentmux attach far --host h0");
      await waitFor("the remote output", async () =>
        (await page.textContent("#remote-tail"))?.includes("hello from h0"),
      );
      expect(await page.textContent("#remote-session .badge")).toMatch(/succeeded/);
      expect(new URL(page.url()).pathname).toBe("/h/h0/s/far");
      await page.screenshot({ path: join(shots, "web-remote-session.png"), fullPage: true });

      // The same through the API.
      const hosts = await web.json<{ hosts: { host: string; reachable: boolean }[] }>("/api/hosts");
      expect(hosts.hosts.map((h) => [h.host, h.reachable])).toEqual([
        ["h0", true],
        ["h1", false],
      ]);
      // A host that does not answer is the gateway's failure (502, naming it); an unknown one 404.
      const dead = await web.api("/api/hosts/h1/sessions/any");
      expect(dead.status).toBe(502);
      expect(await dead.text()).toMatch(/host h1 \(h1\) is unreachable/);
      expect((await web.api("/api/hosts/nope/sessions/any")).status).toBe(404);
      expect(errors).toEqual([]);
    });
  },
);
