import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { tempRepo, git } from "../helpers/git.js";

/** Text that would run `touch CANARY` if it ever went through a shell or a tmux format. */
function hostile(canary: string): string[] {
  return [
    `'; touch ${canary}; '`,
    `"; touch ${canary}; "`,
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `x; touch ${canary};`,
    `#(touch ${canary})`,
    `#{session_name} #{pane_id}`,
    `line one\nline two\n; touch ${canary}\n`,
    "\u001b[31mred\u001b[0m \u001b]0;title\u0007",
    "unicode: ünïcödé 日本語 🚀 \u202e",
    `trailing semicolon;`,
  ];
}

describe("hostile input reaches the agent byte-exact and never runs", () => {
  it("prompts with quotes, $(…), backticks, ;, #{…}, #(…), newlines, ANSI and unicode", async () => {
    const w = new World();
    const repo = tempRepo();
    const canary = join(w.root, "CANARY");
    const out = join(w.root, "out");
    mkdirSync(out);
    const prompts = hostile(canary);
    const launched = await Promise.all(
      prompts.map((prompt, i) =>
        w.cli([
          "run",
          "cmd",
          prompt,
          "--name",
          `h${i}`,
          "--cwd",
          repo,
          "--",
          FAKE_AGENT,
          `stdin:${out}/${i}`,
        ]),
      ),
    );
    for (const r of launched) expect(r.stderr).toBe("");
    for (const [i, prompt] of prompts.entries()) {
      await w.waitEnded(`h${i}`);
      expect(readFileSync(join(out, String(i)), "utf8")).toBe(prompt);
    }
    expect(existsSync(canary)).toBe(false);
  }, 120_000);

  it("a 1 MB prompt from a file and from stdin arrives byte-exact, also through AGENTMUX_PROMPT_FILE", async () => {
    const w = new World();
    const repo = tempRepo();
    const big = Buffer.alloc(1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = 32 + ((i * 7919) % 95);
    big.write("\n$(touch x)\n", 1000);
    const file = join(w.root, "prompt.txt");
    writeFileSync(file, big);
    const out = join(w.root, "out");
    mkdirSync(out);
    await w.cli([
      "run",
      "cmd",
      "--prompt-file",
      file,
      "--name",
      "bigfile",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      `stdin:${out}/file`,
      `env:AGENTMUX_PROMPT_FILE=${out}/path`,
    ]);
    await w.cli(
      [
        "run",
        "cmd",
        "--prompt-file",
        "-",
        "--name",
        "bigstdin",
        "--cwd",
        repo,
        "--",
        FAKE_AGENT,
        `stdin:${out}/stdin`,
      ],
      { input: big },
    );
    await w.waitEnded("bigfile");
    await w.waitEnded("bigstdin");
    expect(readFileSync(join(out, "file")).equals(big)).toBe(true);
    expect(readFileSync(join(out, "stdin")).equals(big)).toBe(true);
    expect(readFileSync(readFileSync(join(out, "path"), "utf8")).equals(big)).toBe(true);
  });

  it("a cwd path full of shell and tmux syntax works and runs nothing", async () => {
    const w = new World();
    // Relative: a path cannot hold "/", and a shell or tmux would run it in some cwd of its own.
    const canary = `CANARY-${process.pid}-${Date.now()}`;
    const dir = join(w.root, `we'ird $(touch ${canary}) #(touch ${canary}) #{pane_id}; \`x\``);
    mkdirSync(dir);
    git(dir, "init", "-q", "-b", "main");
    const r = await w.cli([
      "run",
      "cmd",
      "--name",
      "weird",
      "--cwd",
      dir,
      "--",
      FAKE_AGENT,
      "write:f.txt=ok",
      "commit:in a weird dir",
    ]);
    expect(r.stderr).toBe("");
    const s = await w.waitEnded("weird");
    expect(s).toMatchObject({ state: "succeeded", cwd: dir, verdict: "verified" });
    expect(readFileSync(join(dir, "f.txt"), "utf8")).toBe("ok\n");
    for (const where of [w.root, dir, w.home, process.cwd()])
      expect(existsSync(join(where, canary))).toBe(false);
  });

  it("notification values built from hostile names and prompts arrive as single arguments", async () => {
    const w = new World();
    const repo = tempRepo();
    const canary = join(w.root, "CANARY");
    const out = join(w.root, "notified");
    mkdirSync(out);
    // The recorder writes each argv element NUL-terminated.
    const recorder = join(w.root, "record.sh");
    writeFileSync(
      recorder,
      `#!/bin/sh\nf="$1"; shift\nfor a in "$@"; do printf '%s\\0' "$a"; done > "$f"\n`,
      { mode: 0o755 },
    );
    const prompt = `$(touch ${canary}) \`touch ${canary}\`; #(touch ${canary})`;
    await w.cli([
      "run",
      "cmd",
      prompt,
      "--name",
      "notify-me",
      "--cwd",
      repo,
      "--notify-cmd",
      `sh -c '"$0" "$@" "$AGENTMUX_SUMMARY" "$AGENTMUX_CWD"' ${recorder} ${out}/argv {name} --state={state}`,
      "--",
      FAKE_AGENT,
      "exit:0",
    ]);
    await w.waitEnded("notify-me");
    // The notification goes out after the end is recorded: read its file once it was delivered.
    await waitFor("the notification delivered", async () => {
      const s = await w.json<{ notifications: { state: string }[] }>(["status", "notify-me"]);
      return s.notifications.length > 0 && s.notifications.every((n) => n.state === "delivered");
    });
    const argv = readFileSync(join(out, "argv"), "utf8").split("\0").slice(0, -1);
    expect(argv).toHaveLength(4);
    expect(argv[0]).toBe("notify-me");
    expect(argv[1]).toBe("--state=succeeded");
    // Agent-controlled values come from the environment, expanded by sh as data.
    expect(argv[2]).toMatch(/^agentmux: notify-me succeeded \(exit 0\)/);
    expect(argv[3]).toBe(repo);
    expect(existsSync(canary)).toBe(false);
    expect(readdirSync(w.root)).not.toContain("CANARY");
  });
});
