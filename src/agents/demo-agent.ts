#!/usr/bin/env node
/**
 * agentmux's built-in demo agent: a believable stand-in for a coding agent,
 * so `agentmux demo` and `agentmux run demo "task"` work with no API key.
 * It reads its prompt from stdin, prints progress for about 3 s, appends a
 * note to DEMO.md in its cwd, commits it naming the task, and exits 0.
 *
 * AGENTMUX_DEMO_MODE:
 *   work       (default) the above
 *   noop       reads the prompt, changes nothing, exits 0
 *   fail       prints an error, exits 1
 *   tick-only  ticks the first "- [ ]" box of $AGENTMUX_DEMO_PRD and does no
 *              work at all (the loop must catch it)
 * AGENTMUX_DEMO_STEP_MS: pause between progress lines (default 600: five pauses, ~3 s).
 * AGENTMUX_DEMO_LAZY: in a loop, the item ($AGENTMUX_ITEM) containing this text
 *   gets tick-only whatever the mode: the demo of agentmux catching a false tick.
 *
 * An exception to "only src/process spawns processes": this file is not part
 * of agentmux's process, it is a product script the runner execs like any
 * agent CLI. It imports only node: modules so it runs as one compiled file
 * (dist/agents/demo-agent.js) and its tests can transpile it on its own.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export interface DemoIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  readStdin: () => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
}

const MODES = ["work", "noop", "fail", "tick-only"] as const;
type Mode = (typeof MODES)[number];
const NOTE_FILE = "DEMO.md";

/** The task's name: the prompt's first non-empty line, printable and short. */
export function taskTitle(prompt: string): string {
  const line = prompt
    .split(/\r?\n/)
    .map((l) => l.replace(/^[#>*\s-]+/, "").trim())
    .find((l) => l !== "");
  if (line === undefined) return "tidy up the demo notes";
  // Control characters would garble the pane and the commit subject.
  const clean = line.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return clean.length > 60 ? `${clean.slice(0, 59)}…` : clean;
}

/**
 * Tick the first unchecked "- [ ]" (also "*" or "+") box. Works on latin1 so
 * every other byte of the file comes back exactly as it was. Returns the new
 * bytes and the ticked item's text, or null when nothing is left to tick.
 */
export function tickFirstBox(bytes: Buffer): { bytes: Buffer; item: string } | null {
  const text = bytes.toString("latin1");
  const m = /^([ \t]*[-*+][ \t]+)\[ \](?=[ \t]|\r?$)/m.exec(text);
  if (m === null) return null;
  const at = m.index + (m[1]?.length ?? 0);
  const out = Buffer.from(text.slice(0, at + 1) + "x" + text.slice(at + 2), "latin1");
  const end = text.indexOf("\n", at);
  const item = Buffer.from(text.slice(at + 3, end === -1 ? undefined : end), "latin1")
    .toString("utf8")
    .trim();
  return { bytes: out, item };
}

function git(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, env, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({
        ok: error === null,
        out: (error === null ? stdout : stderr || error.message).trim(),
      });
    });
  });
}

async function commit(io: DemoIO, message: string): Promise<number> {
  const inRepo = await git(io.cwd, ["rev-parse", "--is-inside-work-tree"], io.env);
  if (!inRepo.ok || inRepo.out !== "true") {
    io.out(`[demo] not a git repository: leaving ${NOTE_FILE} uncommitted`);
    return 0;
  }
  // A fresh machine may have no git identity; the demo should still commit.
  const ident = await git(io.cwd, ["var", "GIT_COMMITTER_IDENT"], io.env);
  const env = ident.ok
    ? io.env
    : {
        ...io.env,
        GIT_AUTHOR_NAME: "agentmux demo",
        GIT_AUTHOR_EMAIL: "demo@agentmux.invalid",
        GIT_COMMITTER_NAME: "agentmux demo",
        GIT_COMMITTER_EMAIL: "demo@agentmux.invalid",
      };
  const add = await git(io.cwd, ["add", "--", NOTE_FILE], env);
  // Only our file: whatever else the user has staged stays theirs.
  const done = add.ok
    ? await git(io.cwd, ["commit", "-q", "-m", message, "--", NOTE_FILE], env)
    : add;
  if (!done.ok) {
    io.err(`[demo] error: git commit failed: ${done.out}`);
    return 1;
  }
  const sha = await git(io.cwd, ["rev-parse", "--short", "HEAD"], env);
  io.out(`[demo] committed ${sha.out}: ${message}`);
  return 0;
}

async function work(io: DemoIO, task: string, step: () => Promise<void>): Promise<number> {
  const started = Date.now();
  const seen = readdirSync(io.cwd)
    .filter((f) => !f.startsWith("."))
    .sort()
    .slice(0, 4);
  io.out(`[demo] reading files: ${seen.length > 0 ? seen.join(", ") : "(empty directory)"}`);
  await step();
  io.out(`[demo] planning: 1) find where "${task}" belongs  2) write it up  3) run the checks`);
  await step();
  const path = join(io.cwd, NOTE_FILE);
  const before = existsSync(path) ? readFileSync(path, "utf8") : "# Demo notes\n";
  const note = `\n## ${task}\n\nDone by the agentmux demo agent at ${new Date().toISOString()}.\n`;
  writeFileSync(path, before + note);
  io.out(`[demo] editing ${NOTE_FILE} (+${note.split("\n").length - 1} lines)`);
  await step();
  io.out("[demo] running tests: 3 passed, 0 failed");
  await step();
  const code = await commit(io, `demo: ${task}`);
  if (code === 0) io.out(`[demo] done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return code;
}

function tickOnly(io: DemoIO): number {
  const prd = io.env.AGENTMUX_DEMO_PRD;
  if (prd === undefined || prd === "") {
    io.err("[demo] error: tick-only mode needs AGENTMUX_DEMO_PRD (the PRD file)");
    return 2;
  }
  const ticked = tickFirstBox(readFileSync(prd));
  if (ticked === null) {
    io.out(`[demo] nothing left to tick in ${prd}`);
    return 0;
  }
  writeFileSync(prd, ticked.bytes);
  io.out(`[demo] ticked without doing the work: ${ticked.item}`);
  return 0;
}

/** The mode for this run: AGENTMUX_DEMO_MODE, unless this loop item is the lazy one. */
export function modeFor(env: NodeJS.ProcessEnv): string {
  const lazy = env.AGENTMUX_DEMO_LAZY;
  if (lazy && env.AGENTMUX_ITEM?.includes(lazy)) return "tick-only";
  return env.AGENTMUX_DEMO_MODE || "work";
}

export async function demoMain(io: DemoIO): Promise<number> {
  const mode = modeFor(io.env) as Mode;
  if (!MODES.includes(mode)) {
    io.err(
      `[demo] error: Expected AGENTMUX_DEMO_MODE of ${MODES.join(", ")}, got ${JSON.stringify(mode)}`,
    );
    return 2;
  }
  const stepMs = Number(io.env.AGENTMUX_DEMO_STEP_MS ?? "600");
  const step = (): Promise<void> => io.sleep(Number.isFinite(stepMs) && stepMs > 0 ? stepMs : 0);
  const prompt = await io.readStdin();
  // In a loop the prompt is the loop's standing instructions; the item names the task.
  const task = taskTitle(io.env.AGENTMUX_ITEM || prompt);
  io.out(`[demo] task: ${task}`);
  await step();
  switch (mode) {
    case "noop":
      io.out("[demo] looked around; nothing to change");
      return 0;
    case "fail":
      io.err("[demo] error: could not complete the task (AGENTMUX_DEMO_MODE=fail)");
      return 1;
    case "tick-only":
      return tickOnly(io);
    case "work":
      return work(io, task, step);
  }
}

async function readAll(): Promise<string> {
  // A terminal is not a prompt: reading it would wait for the user forever.
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    // argv[1] is not a file (e.g. node -e): we were imported, not run.
    return false;
  }
}

if (isMain()) {
  demoMain({
    env: process.env,
    cwd: process.cwd(),
    readStdin: readAll,
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`[demo] error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
