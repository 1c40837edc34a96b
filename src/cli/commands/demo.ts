import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Context } from "../../sessions/context.js";
import { launch } from "../../sessions/launch.js";
import { isLive } from "../../sessions/lifecycle.js";
import { refreshSession } from "../../sessions/reconcile.js";
import { statusJson } from "../../sessions/view.js";
import { stripAnsi } from "../../verify/ansi.js";
import { flag, parse } from "../args.js";
import { out, printJson } from "../output.js";
import { renderStatus } from "./status.js";

const USAGE = "agentmux demo [--keep] [--json]";

const git = promisify(execFile);

/**
 * The whole main job on the built-in demo agent, with no API key and nothing
 * touched outside one temp directory: a throwaway git repo, a private tmux
 * socket, a private state directory, and a notification command that writes
 * to a file there. The user's config is not read (its notifications would fire).
 */
export async function main(argv: string[]): Promise<number> {
  const p = parse("demo", argv, { keep: { type: "boolean" } }, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nRuns the built-in demo agent in a real tmux session on a private socket, against a\nthrowaway git repo, and shows the verification and the notification it would send.\n--keep leaves the temp directory for a look around.`,
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
    writeFileSync(join(repo, "README.md"), "# demo project\n");
    await git("git", ["-C", repo, "add", "README.md"], { env });
    await git("git", ["-C", repo, "commit", "-q", "-m", "initial commit"], { env });
    say(`agentmux demo — a throwaway repo in ${repo}, tmux on a private socket\n`);

    const template = `'${process.execPath}' -e 'require("node:fs").appendFileSync(process.argv[1], process.argv[2] + "\\n")' '${notified}' {summary}`;
    const { session } = await launch(ctx, {
      agent: "demo",
      name: "demo",
      cwd: repo,
      prompt: Buffer.from("Add a greeting module with a test"),
      env: Object.entries(identity).map(([k, v]) => `${k}=${v}`),
      extraArgs: [],
      notifyCommands: [template],
      openclaw: false,
      webhooks: [],
      desktop: false,
    });
    say(`$ agentmux run demo "Add a greeting module with a test" --cwd ${repo} --name demo`);
    say(`started "demo" in tmux (attach would be: agentmux attach demo)\n`);

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
    const status = statusJson(view.session, view.run, view.run?.runNo ?? 0, undefined);
    let notification = "";
    try {
      notification = readFileSync(notified, "utf8").trim();
    } catch {
      notification = "(none delivered)";
    }
    if (json) {
      printJson({ status, notification, tmp: flag(p, "keep") ? tmp : null });
    } else {
      say(`\n$ agentmux status demo\n${renderStatus(status)}`);
      say(
        `\nnotification sent (--notify-cmd; try --notify openclaw or --webhook URL):\n  ${notification}`,
      );
      say(flag(p, "keep") ? `\nkept: ${tmp}` : "\n(cleaned up; --keep leaves the repo and logs)");
    }
    return status.state === "succeeded" && status.verdict === "verified" ? 0 : 1;
  } finally {
    await ctx
      .tmux()
      .killServer()
      .catch(() => undefined); // the private server may already be gone
    ctx.close();
    if (!flag(p, "keep")) rmSync(tmp, { recursive: true, force: true });
  }
}
