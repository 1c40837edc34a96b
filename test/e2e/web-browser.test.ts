import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { git, tempRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";
import { CHROMIUM, browserAvailable, webServer, type TestServer } from "../helpers/web.js";

/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core.
 * Skipped only where no browser is installed and CI is not set; in CI a
 * missing browser fails here.
 */

// Where the screenshots go: docs/img when AGENTMUX_SCREENSHOTS=docs/img (how the
// docs' pictures are made), otherwise a temp directory.
function shotDir(): string {
  const dir = process.env.AGENTMUX_SCREENSHOTS ?? tempDir("agentmux-shots-");
  mkdirSync(dir, { recursive: true });
  return dir;
}

let browser: Browser;

async function open(web: TestServer, path = "/", width = 1100): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("favicon")) errors.push(m.text());
  });
  await page.goto(`${web.origin}${path}#token=${web.token}`);
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

const errorsOf = (page: Page): string[] => (page as Page & { errors: string[] }).errors;

/** What the terminal shows, line by line (xterm's buffer, not the DOM). */
function terminalText(page: Page): Promise<string> {
  // Runs in the page (a string: this file is compiled without the DOM's types).
  return page.evaluate<string>(`(() => {
    const buf = document.getElementById("terminal")?.xterm?.buffer.active;
    if (!buf) return "";
    const lines = [];
    for (let y = 0; y < buf.length; y++) lines.push(buf.getLine(y)?.translateToString(true) ?? "");
    return lines.join("\\n");
  })()`);
}

/** A cmd session that prints, then waits for one line of input. */
async function reader(w: World, repo: string, name: string, script: string): Promise<void> {
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
    script,
  ]);
  expect(r.code, r.stderr).toBe(0);
  await w.waitStatus(name, (s) => s.state === "running");
}

describe.skipIf(!browserAvailable)("agentmux web in a browser", () => {
  beforeAll(async () => {
    if (CHROMIUM === null) {
      throw new Error("no chromium here (CI must install it: apt-get install chromium)");
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("without the token shows how to sign in, and asks for nothing", async () => {
    const w = new World();
    const web = await webServer(w);
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await page.goto(web.origin + "/");
    await page.waitForSelector("#signin");
    expect(await page.textContent("#signin")).toContain("#token=");
    expect(await context.cookies()).toEqual([]);
    await page.screenshot({ path: join(shotDir(), "web-signin.png") });
    // A wrong token is refused and says so.
    const wrong = await context.newPage();
    await wrong.goto(`${web.origin}/#token=${"x".repeat(43)}`);
    await wrong.waitForSelector("#signin >> text=refused");
    await context.close();
  });

  it("renders the list and changes a session's state live", async () => {
    const w = new World();
    const repo = tempRepo();
    await reader(w, repo, "waits", 'echo ready; read line; echo "got $line"');
    await w.cli([
      "run",
      "cmd",
      "--name",
      "broken",
      "--cwd",
      repo,
      "--",
      "/bin/sh",
      "-c",
      "echo oops; exit 3",
    ]);
    await w.waitEnded("broken");
    const web = await webServer(w);
    const page = await open(web);
    await page.waitForSelector('li[data-name="waits"][data-state="running"]');
    // The one that needs a person comes first.
    const rows = await page.locator("li.session").all();
    expect(await Promise.all(rows.map((r) => r.getAttribute("data-name")))).toEqual([
      "broken",
      "waits",
    ]);
    expect(await page.textContent('li[data-name="broken"]')).toContain("fix:");
    await page.screenshot({ path: join(shotDir(), "web-list.png"), fullPage: true });
    await web.json("/api/sessions/waits/input", { text: "go" });
    await page.waitForSelector('li[data-name="waits"][data-state="succeeded"]', {
      timeout: 20_000,
    });
    await page.click("button.chip.failed");
    await waitFor(
      "the filtered list",
      async () => (await page.locator("li.session").count()) === 1,
    );
    expect(await page.locator("li.session").getAttribute("data-name")).toBe("broken");
    expect(errorsOf(page)).toEqual([]);
  });

  it("shows a running session's output in the terminal with colours and UTF-8", async () => {
    const w = new World();
    const repo = tempRepo();
    await reader(
      w,
      repo,
      "colors",
      'printf "\\033[31mred\\033[0m \\033[1;32mgreen\\033[0m héllo wörld ✓ λ\\n"; read line',
    );
    const web = await webServer(w);
    const page = await open(web, "/s/colors");
    await waitFor("the text in the terminal", async () =>
      (await terminalText(page)).includes("red green héllo wörld ✓ λ"),
    );
    // xterm's DOM renderer marks palette colours by class: red is 1, green 2 (bold may brighten it).
    const classOf = (text: string): Promise<string | null> =>
      page
        .locator("#terminal .xterm-rows span", { hasText: new RegExp(`^${text}$`) })
        .first()
        .getAttribute("class");
    expect(await classOf("red")).toMatch(/xterm-fg-1\b/);
    expect(await classOf("green")).toMatch(/xterm-fg-(2|10)\b/);
    expect(await classOf("green")).toContain("xterm-bold");
    // A line typed in the page reaches the agent and comes back in the terminal.
    await page.fill("#input", "from the page");
    await page.press("#input", "Enter");
    await waitFor("the echo", async () => (await terminalText(page)).includes("from the page"));
    await page.screenshot({ path: join(shotDir(), "web-session.png"), fullPage: true });
    expect(errorsOf(page)).toEqual([]);
  });

  it("restart makes run 2, and kill (confirmed) ends a run", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli([
      "run",
      "cmd",
      "--name",
      "again",
      "--cwd",
      repo,
      "--",
      "/bin/sh",
      "-c",
      "echo first-$$; sleep 300",
    ]);
    const s1 = await w.waitStatus("again", (s) => s.state === "running");
    await waitFor("output", () => readFileSync(s1.logPath, "utf8").includes("first-"));
    const web = await webServer(w);
    const page = await open(web, "/s/again", 390);
    await page.waitForSelector("#kill");
    await page.click("#kill");
    // Nothing happens before the confirmation.
    await page.waitForSelector(".confirm");
    expect((await w.json<{ state: string }>(["status", "again"])).state).toBe("running");
    await page.click("#confirm");
    await page.waitForSelector(".head .badge.killed", { timeout: 20_000 });
    expect((await w.json<{ state: string }>(["status", "again"])).state).toBe("killed");
    await page.click("#restart");
    await page.locator("#run-no", { hasText: "run 2 of 2" }).waitFor({ timeout: 20_000 });
    await waitFor("run 2 in the terminal", async () =>
      (await terminalText(page)).includes("run 2"),
    );
    await page.screenshot({ path: join(shotDir(), "web-phone.png"), fullPage: true });
    const hist = await web.json<{ runs: { run: number; state: string }[] }>(
      "/api/sessions/again/history",
    );
    expect(hist.runs.map((r) => r.run)).toEqual([1, 2]);
    expect(errorsOf(page)).toEqual([]);
  });

  it("shows a loop started from the form: its items, iterations and evidence", async () => {
    const w = new World();
    const repo = tempRepo();
    writeFileSync(join(repo, "PRD.md"), "# PRD\n\n- [ ] Add the greeting\n- [ ] Document it\n");
    git(repo, "add", "PRD.md");
    git(repo, "commit", "-q", "-m", "PRD");
    const web = await webServer(w);
    const started = await web.api("/api/loops", {
      body: {
        agent: "cmd",
        name: "greet",
        cwd: repo,
        prd: "PRD.md",
        check: "echo '# tests 3'",
        command: [
          FAKE_AGENT,
          "print:working on $AGENTMUX_ITEM",
          "append:notes.txt=done",
          "commit:work",
        ],
      },
    });
    expect(started.status, await started.clone().text()).toBe(201);
    await w.waitEnded("greet", 60_000);
    const page = await open(web, "/s/greet");
    await page.waitForSelector("ol.items li.item");
    expect(await page.locator("ol.items li.item").count()).toBe(2);
    await page.waitForSelector(".timeline .bar-row");
    expect(await page.locator(".timeline .bar-row").count()).toBeGreaterThanOrEqual(2);
    expect(await page.textContent(".evidence")).toContain("commit(s)");
    await page.screenshot({ path: join(shotDir(), "web-loop.png"), fullPage: true });
    expect(errorsOf(page)).toEqual([]);
  });
});
