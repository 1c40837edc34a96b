import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { World } from "../helpers/cli.js";
import { git, tempRepo } from "../helpers/git.js";
import { agentBins } from "./install.js";
import { startModelServer, type Step } from "./model-server.js";

/**
 * The real codex and claude CLIs, driven through agentmux (tmux, supervisor,
 * finisher) against a scripted model server on loopback: what a user gets,
 * minus the model. Optional: `npm run test:agents` (CI runs it).
 */
let bins: { codex: string; claude: string };
beforeAll(() => {
  bins = agentBins();
});

async function world(script: Step[]): Promise<{ w: World; env: NodeJS.ProcessEnv; repo: string }> {
  const server = await startModelServer(script);
  onTestFinished(() => server.close());
  const w = new World();
  const codexHome = join(w.home, ".codex");
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(
    join(codexHome, "config.toml"),
    [
      // An unknown model name: codex falls back to generic metadata and talks to base_url.
      'model = "agentmux-test-model"',
      'model_provider = "scripted"',
      "[model_providers.scripted]",
      'name = "scripted model server"',
      `base_url = "${server.url}/v1"`,
      'wire_api = "responses"',
      'env_key = "SCRIPTED_API_KEY"',
      "",
    ].join("\n"),
  );
  const env = {
    PATH: `${dirname(bins.codex)}:${dirname(bins.claude)}:${process.env.PATH ?? ""}`,
    CODEX_HOME: codexHome,
    SCRIPTED_API_KEY: "sk-scripted",
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: "sk-ant-scripted",
    CLAUDE_CODE_MAX_RETRIES: "0",
    // As root, claude refuses --dangerously-skip-permissions without it.
    IS_SANDBOX: "1",
  };
  return { w, env, repo: tempRepo() };
}

const OPENAI_401 = {
  status: 401,
  body: {
    error: {
      message: "Incorrect API key provided: sk-scripted.",
      type: "invalid_request_error",
      code: "invalid_api_key",
    },
  },
};
const ANTHROPIC_401 = {
  status: 401,
  body: { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } },
};

describe("codex 0.169 through agentmux", () => {
  it("runs with the flags it accepts, and its work is seen by git", async () => {
    const { w, env, repo } = await world([
      { shell: "echo hello > hello.txt" },
      { say: "Wrote hello.txt." },
    ]);
    const r = await w.cli(["run", "codex", "write hello.txt", "--name", "cx", "--cwd", repo], {
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    const s = await w.waitEnded("cx", 120_000);
    expect(s.argv).toContain("--sandbox");
    expect(s.argv).not.toContain("--full-auto");
    expect(s).toMatchObject({ state: "succeeded", exitCode: 0, verdict: "verified" });
    expect(s.evidence?.uncommitted).toEqual(["hello.txt"]);
  });

  it("an invalid key is diagnosed as auth, with the login command as the fix", async () => {
    const { w, env, repo } = await world([OPENAI_401]);
    await w.cli(["run", "codex", "anything", "--name", "cx401", "--cwd", repo], { env });
    const s = await w.waitEnded("cx401", 180_000);
    expect(s.state).toBe("failed");
    expect(s.diagnosis?.code).toBe("auth");
    expect(s.diagnosis?.fix).toMatch(/codex login/);
  });
});

describe("claude 2.1 through agentmux", () => {
  it("commits through its Bash tool and the run is verified by that commit", async () => {
    const { w, env, repo } = await world([
      { shell: "echo hello > hello.txt && git add hello.txt && git commit -qm 'add hello'" },
      { say: "Committed hello.txt." },
    ]);
    const r = await w.cli(["run", "claude", "commit hello.txt", "--name", "cl", "--cwd", repo], {
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    const s = await w.waitEnded("cl", 120_000);
    expect(s).toMatchObject({ state: "succeeded", exitCode: 0, verdict: "verified" });
    expect(s.evidence?.commits.map((c) => c.subject)).toEqual(["add hello"]);
  });

  it("an invalid key is diagnosed as auth", async () => {
    const { w, env, repo } = await world([ANTHROPIC_401]);
    await w.cli(["run", "claude", "anything", "--name", "cl401", "--cwd", repo], { env });
    const s = await w.waitEnded("cl401", 120_000);
    expect(s.state).toBe("failed");
    expect(s.diagnosis?.code).toBe("auth");
  });
});

/** Each iteration's fresh agent commits one new file: the scripted model's one step. */
const COMMIT_ONE = {
  shell:
    'n=$(ls work-*.txt 2>/dev/null | wc -l); echo "$n" > "work-$n.txt" && git add "work-$n.txt" && git commit -qm "work $n"',
};

describe.each(["codex", "claude"])("a verified loop with the real %s", (agent) => {
  it("works two items, each with a fresh agent whose commit proves it", async () => {
    const { w, env, repo } = await world([COMMIT_ONE, { say: "Done." }]);
    writeFileSync(join(repo, "PRD.md"), "# Plan\n\n- [ ] First item\n- [ ] Second item\n");
    git(repo, "add", "PRD.md");
    git(repo, "commit", "-qm", "plan");
    const r = await w.cli(
      ["loop", "--prd", "PRD.md", "--agent", agent, "--name", "lp", "--cwd", repo],
      {
        env,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const s = await w.waitEnded("lp", 240_000);
    const loop = (s as unknown as { loop: { done: number; total: number } }).loop;
    expect(loop).toMatchObject({ done: 2, total: 2 });
    expect(readFileSync(join(repo, "PRD.md"), "utf8")).toContain("- [x] Second item");
  });
});

// Two model calls with known counts: 2003 + 2210 input (1536 + 2048 cached),
// 105 (64 reasoning) + 12 output. Both CLIs must come out at the same totals.
const KNOWN_USAGE: Step[] = [
  {
    shell: "echo hello > hello.txt",
    usage: { input: 2003, output: 105, cached: 1536, reasoning: 64 },
  },
  { say: "Wrote hello.txt.", usage: { input: 2210, output: 12, cached: 2048 } },
];

describe("tokens and cost from the real CLIs, with known counts", () => {
  /** AGENTMUX_CAPTURE_FIXTURES=1 refreshes the unit suite's captured logs (src/usage/fixtures). */
  const capture = (logPath: string, name: string): void => {
    if (process.env.AGENTMUX_CAPTURE_FIXTURES !== "1") return;
    copyFileSync(
      logPath,
      fileURLToPath(new URL(`../../src/usage/fixtures/${name}`, import.meta.url)),
    );
  };

  it("codex: the thread's total from its last turn.completed; no cost without a price", async () => {
    const { w, env, repo } = await world(KNOWN_USAGE);
    await w.cli(["run", "codex", "write hello.txt", "--name", "cxu", "--cwd", repo], { env });
    const s = await w.waitEnded("cxu", 120_000);
    capture(s.logPath, "codex-0.169.0-exec-json.log");
    const st = await w.json(["status", "cxu"]);
    expect(st.usage).toEqual({
      input: 4213,
      cachedInput: 3584,
      cacheCreation: 0,
      output: 117,
      reasoning: 64,
      model: null,
      cost: { usd: null, basis: "none" },
      source: "codex",
    });
  });

  it("claude: the result event's usage (cache included in input) and the cost it reported", async () => {
    const { w, env, repo } = await world(KNOWN_USAGE);
    await w.cli(["run", "claude", "write hello.txt", "--name", "clu", "--cwd", repo], { env });
    const s = await w.waitEnded("clu", 120_000);
    capture(s.logPath, "claude-2.1.331-stream-json.log");
    const st = await w.json<{ usage: { cost: { usd: number; basis: string } } }>(["status", "clu"]);
    expect(st.usage).toMatchObject({
      input: 4213,
      cachedInput: 3584,
      output: 117,
      source: "claude",
    });
    expect(st.usage.cost.basis).toBe("reported");
    expect(st.usage.cost.usd).toBeGreaterThan(0);
  });
});
