import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { LOOP_DEFAULTS } from "../../loop/settings.js";
import { Context } from "../../sessions/context.js";
import { launch } from "../../sessions/launch.js";
import { isLive } from "../../sessions/lifecycle.js";
import { refreshSession } from "../../sessions/reconcile.js";
import { stripAnsi } from "../../verify/ansi.js";
import { flag, parse } from "../args.js";
import { out, printJson } from "../output.js";
import { statusWith } from "../../api/status.js";
import { renderStatus } from "./status.js";

const USAGE = "agentmux demo [--keep] [--json]";

const git = promisify(execFile);

const PRD = `# Demo PRD: a tiny greeting library

- [ ] Add a greeting module
- [ ] Write the changelog
- [ ] Add a farewell module
`;

// The project's check: one test per note the agent committed (node's TAP count line).
const CHECK = `import { readFileSync } from "node:fs";
let notes = 0;
try { notes = (readFileSync("DEMO.md", "utf8").match(/^## /gm) ?? []).length; } catch {}
console.log(\`# tests \${notes}\`);
process.exit(notes > 0 ? 0 : 1);
`;

/** The demo agent does honest work on every item but this one, where it only ticks the box. */
const LAZY_ITEM = "changelog";

/**
 * A verified Ralph loop on the built-in demo agent, with no API key and
 * nothing touched outside one temp directory: a throwaway git repo with a
 * three-item PRD, a private tmux socket and state directory, and a
 * notification command that writes to a file there. On one item the demo
 * agent ticks the box without doing the work; agentmux must catch it.
 */
export async function main(argv: string[]): Promise<number> {
  const p = parse("demo", argv, { keep: { type: "boolean" } }, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nRuns a verified loop over a three-item PRD with the built-in demo agent, in a real tmux\nsession on a private socket against a throwaway git repo. On one item the agent ticks the box\nwithout doing the work, and agentmux catches it. --keep leaves the temp directory.`,
    );
    return 0;
  }
  const json = flag(p, "json");
  const say = (s: string): void => {
    if (!json) out(s);
  };
  const tmp = mkdtempSync(join(tmpdir(), "agentmux-demo-"));
  const repo = join(tmp, "repo");
  const notified = join(tmp, "notification.txt");
  const identity = {
    GIT_AUTHOR_NAME: "agentmux demo",
    GIT_AUTHOR_EMAIL: "demo@agentmux.invalid",
    GIT_COMMITTER_NAME: "agentmux demo",
    GIT_COMMITTER_EMAIL: "demo@agentmux.invalid",
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...identity,
    AGENTMUX_HOME: join(tmp, "state"),
    AGENTMUX_CONFIG: join(tmp, "no-config.json"),
  };
  delete env.AGENTMUX_JOURNAL_DIR;
  const ctx = new Context({ env, socket: join(tmp, "tmux.sock") });
  try {
    await git("git", ["init", "-q", "-b", "main", repo]);
    writeFileSync(join(repo, "PRD.md"), PRD);
    writeFileSync(join(repo, "check.mjs"), CHECK);
    await git("git", ["-C", repo, "add", "PRD.md", "check.mjs"], { env });
    await git("git", ["-C", repo, "commit", "-q", "-m", "PRD and check"], { env });
    const check = `'${process.execPath.replace(/'/g, `'\\''`)}' check.mjs`;
    say(`agentmux demo — a throwaway repo in ${repo}, tmux on a private socket\n`);
    say(`PRD.md:\n${PRD.replace(/^/gm, "  ").trimEnd()}\n`);

    const template = `'${process.execPath}' -e 'require("node:fs").appendFileSync(process.argv[1], process.argv[2] + "\\n")' '${notified}' {summary}`;
    const { session } = await launch(ctx, {
      agent: "demo",
      kind: "loop",
      name: "demo-loop",
      cwd: repo,
      display: "agentmux loop --prd PRD.md --agent demo --check 'node check.mjs' --attempts 1",
      loop: {
        ...LOOP_DEFAULTS,
        prd: "PRD.md",
        check,
        // One attempt, so the demo moves on after the false tick (the default retries it 3 times).
        attempts: 1,
        iterationTimeoutMs: 60_000,
      },
      env: [
        ...Object.entries(identity).map(([k, v]) => `${k}=${v}`),
        "AGENTMUX_DEMO_STEP_MS=150",
        `AGENTMUX_DEMO_LAZY=${LAZY_ITEM}`,
      ],
      extraArgs: [],
      notifyCommands: [template],
      openclaw: false,
      webhooks: [],
      desktop: false,
    });
    say(`$ agentmux loop --prd PRD.md --agent demo --check 'node check.mjs' --attempts 1`);
    say(`started loop "demo-loop" in tmux; its pane shows:\n`);

    const t0 = Date.now();
    let offset = 0;
    let view = await refreshSession(ctx, session);
    const logPath = view.run?.logPath ?? "";
    const pump = (): void => {
      let size = 0;
      try {
        size = statSync(logPath).size;
      } catch {
        return; // no output yet
      }
      if (size <= offset) return;
      const text = readFileSync(logPath).subarray(offset, size).toString("utf8");
      const lastNl = text.lastIndexOf("\n");
      if (lastNl === -1) return;
      offset += Buffer.byteLength(text.slice(0, lastNl + 1));
      for (const line of text.slice(0, lastNl).split("\n")) {
        const clean = stripAnsi(line).trimEnd();
        if (clean) say(`  │ ${clean}`);
      }
    };
    // Until the finisher is done: verification, notification and its summary in the pane.
    while (view.run && (isLive(view.run.state) || view.run.finishedAt === null)) {
      pump();
      await new Promise((r) => setTimeout(r, 100));
      view = await refreshSession(ctx, session);
      if (Date.now() - t0 > 120_000) break;
    }
    pump();
    const status = await statusWith(ctx, "demo-loop");
    let notification = "";
    try {
      notification = readFileSync(notified, "utf8").trim();
    } catch {
      notification = "(none delivered)";
    }
    const prdAfter = readFileSync(join(repo, "PRD.md"), "utf8");
    const states = status.loop?.items?.map((i) => i.state) ?? [];
    // What the demo is for: two items verified, the false tick caught and unticked.
    const caught =
      states.join(",") === "done,unverified,done" && prdAfter.includes("- [ ] Write the changelog");
    if (json) {
      printJson({ status, notification, prd: prdAfter, caught, tmp: flag(p, "keep") ? tmp : null });
    } else {
      say(`\n$ agentmux status demo-loop\n${renderStatus(status)}`);
      say(`\nPRD.md afterwards:\n${prdAfter.replace(/^/gm, "  ").trimEnd()}`);
      say(
        caught
          ? `\nThe demo agent ticked "Write the changelog" without doing the work. agentmux found no commit\nbehind the tick, unticked the box and recorded the item as unverified; the other two items\nhave commits and a passing check, so they are done.`
          : "\nUnexpected: the loop did not end as the demo expects (see the status above).",
      );
      say(
        `\nnotification sent (--notify-cmd; try --notify openclaw or --webhook URL):\n  ${notification}`,
      );
      say(flag(p, "keep") ? `\nkept: ${tmp}` : "\n(cleaned up; --keep leaves the repo and logs)");
    }
    return caught ? 0 : 1;
  } finally {
    await ctx
      .tmux()
      .killServer()
      .catch(() => undefined); // the private server may already be gone
    ctx.close();
    if (!flag(p, "keep")) rmSync(tmp, { recursive: true, force: true });
  }
}
