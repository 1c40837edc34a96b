import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { git, tempRepo } from "../helpers/git.js";

// What the real CLIs print last (see src/usage/fixtures for whole captured logs).
const CLAUDE_RESULT = JSON.stringify({
  type: "result",
  subtype: "success",
  is_error: false,
  usage: {
    input_tokens: 629,
    cache_creation_input_tokens: 100,
    cache_read_input_tokens: 3584,
    output_tokens: 117,
  },
  total_cost_usd: 0.0056,
  modelUsage: { "claude-opus-5-5": { costUSD: 0.0056 } },
});
const codexTurn = (input: number, output: number): string =>
  JSON.stringify({
    type: "turn.completed",
    usage: { input_tokens: input, cached_input_tokens: 0, output_tokens: output },
  });

interface UsageJson {
  input: number | null;
  cachedInput: number | null;
  output: number | null;
  model: string | null;
  cost: { usd: number | null; basis: string };
  reports?: number;
  missing?: number;
}

describe("tokens and cost, read from what the agent printed", () => {
  it("a run's report is in status (JSON and text), the notification, the journal and usage", async () => {
    const w = new World();
    const repo = tempRepo();
    const journal = join(w.root, "memory");
    mkdirSync(journal);
    const d = new Date();
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    writeFileSync(join(journal, `${day}.md`), "# Notes\n");
    const notes = join(w.root, "notified.txt");
    const recorder = join(w.root, "record.sh");
    writeFileSync(recorder, `#!/bin/sh\nprintf '%s\\n' "$2" >> "$1"\n`, { mode: 0o755 });
    const r = await w.cli([
      "run",
      "cmd",
      "--name",
      "priced",
      "--cwd",
      repo,
      "--journal",
      journal,
      "--notify-cmd",
      // The summary (agent-controlled) reaches a command only through the environment.
      `sh -c '"$0" "$1" "$AGENTMUX_SUMMARY"' ${recorder} ${notes}`,
      "--",
      FAKE_AGENT,
      "print:working",
      `print:${CLAUDE_RESULT}`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const waited = await w.cli(["wait", "priced", "--json"]);
    expect(waited.code).toBe(0);
    const s = JSON.parse(waited.stdout) as { usage: UsageJson };
    expect(s.usage).toEqual({
      input: 629 + 100 + 3584,
      cachedInput: 3584,
      cacheCreation: 100,
      output: 117,
      reasoning: null,
      model: "claude-opus-5-5",
      cost: { usd: 0.0056, basis: "reported" },
      source: "claude",
    });
    const text = await w.cli(["status", "priced"]);
    expect(text.stdout).toMatch(
      /usage\s+4\.31k in \(3\.58k cached\) \/ 117 out tokens · \$0\.0056/,
    );
    expect(text.stdout).toContain("cost reported");
    await waitFor("the notification", () => existsSync(notes));
    expect(readFileSync(notes, "utf8")).toContain(
      "4.31k in (3.58k cached) / 117 out tokens · $0.0056",
    );
    const line = await waitFor("the journal's end line", () => {
      const t = readFileSync(join(journal, `${day}.md`), "utf8");
      return /priced.*succeeded/.test(t) ? t : undefined;
    });
    expect(line).toContain("117 out tokens");

    // A run that printed no report: unknown (null), never zero.
    await w.cli(["run", "cmd", "--name", "silent", "--cwd", repo, "--", FAKE_AGENT, "print:hi"]);
    expect((await w.cli(["wait", "silent"])).code).toBe(0);
    expect((await w.json<{ usage: unknown }>(["status", "silent"])).usage).toBeNull();
    // ls --json gives each row the same usage as status --json.
    const rows = await w.json<{ name: string; usage: unknown }[]>(["ls"]);
    expect(rows.find((x) => x.name === "priced")?.usage).toEqual(s.usage);
    expect(rows.find((x) => x.name === "silent")?.usage).toBeNull();

    const report = await w.json<{ total: UsageJson; groups: (UsageJson & { key: string })[] }>([
      "usage",
      "--since",
      "1h",
    ]);
    // cmd runs without a report are not counted as missing (cmd never reports).
    expect(report.groups.map((g) => g.key)).toEqual(["priced"]);
    expect(report.total).toMatchObject({ input: 4313, output: 117, reports: 1, missing: 0 });
    const table = await w.cli(["usage", "--by", "agent"]);
    expect(table.stdout).toMatch(/^AGENT\s+IN\s+CACHED\s+OUT\s+COST\s+RUNS\s+MISSING/);
    expect(table.stdout).toMatch(/\ncmd\s+4\.31k\s+3\.58k\s+117\s+\$0\.0056\s+1\s+0/);
    const bad = await w.cli(["usage", "--by", "week"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Expected --by session, agent, day, got "week"');
  }, 60_000);

  it("a loop: per iteration, per item, the run's sum and the loop's total; no model, no estimate", async () => {
    const w = new World({ prices: { "gpt-test": { input: 2, output: 10 } } });
    const repo = tempRepo();
    writeFileSync(join(repo, "PRD.md"), "# PRD\n\n- [ ] first\n- [ ] second\n");
    git(repo, "add", "PRD.md");
    git(repo, "commit", "-q", "-m", "PRD");
    const r = await w.cli([
      "loop",
      "--agent",
      "cmd",
      "--name",
      "lp",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      "item:%.txt",
      "commit:work",
      `print:${codexTurn(1000, 100)}`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((await w.cli(["wait", "lp"], { timeoutMs: 60_000 })).code).toBe(0);
    const s = await w.json<{
      usage: UsageJson;
      loop: { usage: UsageJson; items: { text: string; usage: UsageJson }[] };
    }>(["status", "lp"]);
    expect(s.usage).toMatchObject({ input: 2000, output: 200, reports: 2, missing: 0 });
    expect(s.loop.usage).toMatchObject({ input: 2000, output: 200 });
    expect(s.loop.items.map((i) => [i.text, i.usage.input, i.usage.output])).toEqual([
      ["first", 1000, 100],
      ["second", 1000, 100],
    ]);
    // codex prints no model and a cmd's argv names none: no price, cost unknown.
    expect(s.usage.cost).toEqual({ usd: null, basis: "none" });
    const [row] = await w.json<{ name: string; usage: unknown }[]>(["ls"]);
    expect(row).toMatchObject({ name: "lp" });
    expect(row?.usage).toEqual(s.usage);
    const text = await w.cli(["status", "lp"]);
    expect(text.stdout).toContain("loop usage 2k in / 200 out tokens");
  }, 90_000);
});
