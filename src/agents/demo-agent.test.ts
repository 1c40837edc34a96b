import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { git, gitEnv, tempRepo } from "../../test/helpers/git.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { demoMain, modeFor, taskTitle, tickFirstBox, type DemoIO } from "./demo-agent.js";

describe("taskTitle", () => {
  it.each([
    ["Fix the login bug\n\nDetails follow", "Fix the login bug"],
    ["\n\n# Add a README section  \n", "Add a README section"],
    ["- [ ] tick me", "[ ] tick me"],
    ["", "tidy up the demo notes"],
    ["a\u0007b\u001b[31mc", "a b [31mc"],
    ["x".repeat(80), `${"x".repeat(59)}…`],
  ])("%j -> %j", (prompt, title) => {
    expect(taskTitle(prompt)).toBe(title);
  });
});

describe("tickFirstBox", () => {
  it.each([
    ["- [x] done\n- [ ] next\n- [ ] later\n", "- [x] done\n- [x] next\n- [ ] later\n", "next"],
    ["  * [ ] nested star\r\n", "  * [x] nested star\r\n", "nested star"],
    ["+ [ ]\n", "+ [x]\n", ""],
    ["Text [ ] not a box\n- [ ] café ✓\n", "Text [ ] not a box\n- [x] café ✓\n", "café ✓"],
  ])("%j", (before, after, item) => {
    const r = tickFirstBox(Buffer.from(before, "utf8"));
    expect(r?.bytes.toString("utf8")).toBe(after);
    expect(r?.item).toBe(item);
  });

  it("keeps every other byte, even invalid UTF-8", () => {
    const before = Buffer.concat([Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from("- [ ] x\n")]);
    const r = tickFirstBox(before);
    expect(r?.bytes).toEqual(
      Buffer.concat([Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from("- [x] x\n")]),
    );
  });

  it.each(["- [x] all done\n", "no boxes\n", "-[ ] no space\n"])(
    "nothing to tick in %j",
    (text) => {
      expect(tickFirstBox(Buffer.from(text))).toBeNull();
    },
  );
});

function io(
  cwd: string,
  prompt: string,
  env: NodeJS.ProcessEnv = {},
): DemoIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    env: { ...gitEnv, ...env },
    cwd,
    readStdin: () => Promise.resolve(prompt),
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    sleep: () => Promise.resolve(),
    lines,
    errors,
  };
}

describe("demoMain", () => {
  it("work: edits DEMO.md and commits naming the task", async () => {
    const repo = tempRepo();
    writeFileSync(join(repo, "staged.txt"), "the user's own staged work\n");
    git(repo, "add", "staged.txt");
    const d = io(repo, "Add a haiku about tmux\nmore detail");
    expect(await demoMain(d)).toBe(0);
    expect(git(repo, "log", "-1", "--format=%s")).toBe("demo: Add a haiku about tmux");
    expect(git(repo, "show", "--name-only", "--format=", "HEAD")).toBe("DEMO.md");
    expect(readFileSync(join(repo, "DEMO.md"), "utf8")).toContain("## Add a haiku about tmux");
    // What the user had staged stays staged, uncommitted.
    expect(git(repo, "status", "--porcelain")).toBe("A  staged.txt");
    expect(d.lines.join("\n")).toMatch(
      /reading files[\s\S]*planning[\s\S]*editing DEMO.md[\s\S]*running tests[\s\S]*committed/,
    );
    expect(d.errors).toEqual([]);
  });

  it("work: a second run edits the file again and makes a second commit", async () => {
    const repo = tempRepo();
    await demoMain(io(repo, "one"));
    await demoMain(io(repo, "one"));
    expect(git(repo, "rev-list", "--count", "HEAD")).toBe("3");
  });

  it("work: commits even without a git identity", async () => {
    const repo = tempRepo();
    const env: NodeJS.ProcessEnv = {
      ...gitEnv,
      GIT_CONFIG_GLOBAL: "/dev/null",
      EMAIL: "",
      HOME: repo,
    };
    for (const k of [
      "GIT_AUTHOR_NAME",
      "GIT_AUTHOR_EMAIL",
      "GIT_COMMITTER_NAME",
      "GIT_COMMITTER_EMAIL",
    ])
      delete env[k];
    const d = io(repo, "no identity");
    d.env = { ...env, GIT_CONFIG_PARAMETERS: "'user.useConfigOnly'='true'" };
    expect(await demoMain(d)).toBe(0);
    expect(git(repo, "log", "-1", "--format=%an <%ae>")).toBe(
      "agentmux demo <demo@agentmux.invalid>",
    );
  });

  it("work outside git: edits, says so, exits 0", async () => {
    const dir = tempDir();
    const d = io(dir, "x");
    expect(await demoMain(d)).toBe(0);
    expect(readFileSync(join(dir, "DEMO.md"), "utf8")).toContain("## x");
    expect(d.lines).toContain("[demo] not a git repository: leaving DEMO.md uncommitted");
  });

  it("noop: changes nothing", async () => {
    const repo = tempRepo();
    expect(await demoMain(io(repo, "x", { AGENTMUX_DEMO_MODE: "noop" }))).toBe(0);
    expect(git(repo, "status", "--porcelain")).toBe("");
    expect(git(repo, "rev-list", "--count", "HEAD")).toBe("1");
  });

  it("fail: an error and exit 1", async () => {
    const repo = tempRepo();
    const d = io(repo, "x", { AGENTMUX_DEMO_MODE: "fail" });
    expect(await demoMain(d)).toBe(1);
    expect(d.errors).toEqual([
      "[demo] error: could not complete the task (AGENTMUX_DEMO_MODE=fail)",
    ]);
    expect(git(repo, "status", "--porcelain")).toBe("");
  });

  it("tick-only: ticks the first box and does nothing else", async () => {
    const repo = tempRepo();
    const prd = join(repo, "PRD.md");
    writeFileSync(prd, "# Plan\n- [x] one\n- [ ] two\n- [ ] three\n");
    git(repo, "add", "PRD.md");
    git(repo, "commit", "-q", "-m", "prd");
    const d = io(repo, "x", { AGENTMUX_DEMO_MODE: "tick-only", AGENTMUX_DEMO_PRD: prd });
    expect(await demoMain(d)).toBe(0);
    expect(readFileSync(prd, "utf8")).toBe("# Plan\n- [x] one\n- [x] two\n- [ ] three\n");
    expect(git(repo, "status", "--porcelain")).toBe("M PRD.md");
    expect(d.lines.at(-1)).toBe("[demo] ticked without doing the work: two");
  });

  it.each([
    [
      { AGENTMUX_DEMO_MODE: "tick-only" },
      2,
      "[demo] error: tick-only mode needs AGENTMUX_DEMO_PRD (the PRD file)",
    ],
    [
      { AGENTMUX_DEMO_MODE: "dance" },
      2,
      '[demo] error: Expected AGENTMUX_DEMO_MODE of work, noop, fail, tick-only, got "dance"',
    ],
  ])("refuses %j", async (env, code, error) => {
    const d = io(tempDir(), "x", env);
    expect(await demoMain(d)).toBe(code);
    expect(d.errors).toEqual([error]);
  });
});

/** The agent as the runner runs it: one compiled file, node, prompt on stdin. */
function compiledAgent(): string {
  const src = readFileSync(new URL("./demo-agent.ts", import.meta.url), "utf8");
  const out = ts.transpileModule(src, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  });
  const file = join(tempDir("agentmux-demo-"), "demo-agent.mjs");
  writeFileSync(file, out.outputText);
  return file;
}

describe("demo-agent as a program", () => {
  it("reads the prompt from stdin, commits, exits 0", () => {
    const repo = tempRepo();
    const agent = compiledAgent();
    const out = execFileSync(process.execPath, [agent], {
      cwd: repo,
      env: { ...gitEnv, AGENTMUX_DEMO_STEP_MS: "0" },
      input: "Write the changelog\n",
      encoding: "utf8",
    });
    expect(out).toContain("[demo] task: Write the changelog");
    expect(git(repo, "log", "-1", "--format=%s")).toBe("demo: Write the changelog");
  });

  it("fails with exit 1 in fail mode", () => {
    const r = spawnSync(process.execPath, [compiledAgent()], {
      cwd: tempDir(),
      env: { ...gitEnv, AGENTMUX_DEMO_STEP_MS: "0", AGENTMUX_DEMO_MODE: "fail" },
      input: "x",
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("[demo] error:");
  });
});

describe("modeFor", () => {
  it.each([
    ["default", {}, "work"],
    ["the mode given", { AGENTMUX_DEMO_MODE: "noop" }, "noop"],
    ["the lazy item", { AGENTMUX_DEMO_LAZY: "docs", AGENTMUX_ITEM: "Write the docs" }, "tick-only"],
    ["another item", { AGENTMUX_DEMO_LAZY: "docs", AGENTMUX_ITEM: "Add tests" }, "work"],
    ["lazy outside a loop", { AGENTMUX_DEMO_LAZY: "docs" }, "work"],
  ])("%s", (_name, env, want) => {
    expect(modeFor(env)).toBe(want);
  });
});
