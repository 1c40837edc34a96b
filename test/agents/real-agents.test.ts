import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { MAIN_JS, World } from "../helpers/cli.js";
import { git, tempRepo } from "../helpers/git.js";
import { agentBins } from "./install.js";
import { startModelServer, type ModelServer, type Step } from "./model-server.js";

/**
 * The real codex and claude CLIs, driven through agentmux (tmux, supervisor,
 * finisher) against a scripted model server on loopback: what a user gets,
 * minus the model. Optional: `npm run test:agents` (CI runs it).
 */
let bins: { codex: string; claude: string };
beforeAll(() => {
  bins = agentBins();
});

async function world(script: Step[]): Promise<{
  w: World;
  env: NodeJS.ProcessEnv & { CODEX_HOME: string };
  repo: string;
  server: ModelServer;
}> {
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
  return { w, env, repo: tempRepo(), server };
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

describe("the real CLIs list agentmux's MCP tools", () => {
  /** The environment `agentmux mcp` gets from the CLI that starts it: the World's private one. */
  const serverEnv = (w: World): Record<string, string> => ({
    AGENTMUX_HOME: w.stateDir,
    AGENTMUX_SOCKET: w.socket,
    AGENTMUX_CONFIG: w.configPath,
  });

  it("codex: registered as [mcp_servers.agentmux], its tools reach the model", async () => {
    const { w, env, repo, server } = await world([{ say: "ok" }]);
    const config = join(env.CODEX_HOME, "config.toml");
    writeFileSync(
      config,
      readFileSync(config, "utf8") +
        [
          "[mcp_servers.agentmux]",
          `command = ${JSON.stringify(process.execPath)}`,
          `args = [${JSON.stringify(MAIN_JS)}, "mcp"]`,
          "startup_timeout_sec = 30",
          `env = ${JSON.stringify(serverEnv(w)).replace(/":/g, '" =').replace(/^\{/, "{ ").replace(/\}$/, " }")}`,
          "",
        ].join("\n"),
    );
    await execFileText(
      bins.codex,
      ["exec", "--json", "--skip-git-repo-check", "--sandbox", "read-only", "say ok"],
      { cwd: repo, env: { ...process.env, ...env, HOME: w.home } },
    );
    const bodies = server.requests.map((r) => r.body).join("\n");
    for (const tool of ["list_sessions", "start_run", "wait", "status", "tail", "usage"]) {
      expect(bodies, `the model was not offered agentmux's ${tool}`).toContain(tool);
    }
    expect(bodies).not.toContain('"kill"');
  });

  it("claude: with --mcp-config, agentmux is connected and its tools are listed", async () => {
    const { w, env, repo } = await world([{ say: "ok" }]);
    const mcpConfig = join(w.root, "mcp.json");
    writeFileSync(
      mcpConfig,
      JSON.stringify({
        mcpServers: {
          agentmux: { command: process.execPath, args: [MAIN_JS, "mcp"], env: serverEnv(w) },
        },
      }),
    );
    const out = await execFileText(
      bins.claude,
      [
        "-p",
        "say ok",
        "--output-format",
        "stream-json",
        "--verbose",
        "--strict-mcp-config",
        "--mcp-config",
        mcpConfig,
      ],
      { cwd: repo, env: { ...process.env, ...env, HOME: w.home } },
    );
    const init = out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { type: string; subtype?: string; [k: string]: unknown })
      .find((e) => e.type === "system" && e.subtype === "init");
    const servers = (init?.mcp_servers ?? []) as { name: string; status: string }[];
    expect(servers.find((m) => m.name === "agentmux")).toMatchObject({ status: "connected" });
    const tools = (init?.tools ?? []) as string[];
    for (const tool of ["list_sessions", "start_run", "wait", "status"]) {
      expect(tools).toContain(`mcp__agentmux__${tool}`);
    }
  });
});

function execFileText(
  file: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { ...opts, timeout: 120_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`${file} ${args.join(" ")}: ${err.message}\n${stdout}\n${stderr}`))
          : resolve(stdout),
    );
    // codex exec reads the rest of its prompt from a stdin left open.
    child.stdin?.end();
  });
}
