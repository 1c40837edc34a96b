import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, waitFor, World, type Status } from "../helpers/cli.js";
import { git, tempRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";

/**
 * `agentmux loop --parallel N` through the built CLI (run `npm run build`
 * first): real tmux on a private socket, real git worktrees, the scripted
 * fake agent as `--agent cmd`.
 */

interface LoopItem {
  text: string;
  state: string;
  reason: string | null;
}
type LoopStatusJson = Status & { loop?: { total: number; done: number; items: LoopItem[] } };

function repoWithPrd(prd: string, extra: Record<string, string> = {}): string {
  const repo = tempRepo();
  writeFileSync(join(repo, "PRD.md"), prd);
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(repo, file), text);
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "PRD");
  return repo;
}

describe("agentmux loop --parallel", () => {
  it("5 items, 3 at a time: 5 merges, 5 ticked boxes, 5 done", async () => {
    const w = new World();
    const items = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"];
    const repo = repoWithPrd(`# Plan\n\n${items.map((i) => `- [ ] ${i}\n`).join("")}`);
    const r = await w.cli([
      "loop",
      "--name",
      "par",
      "--cwd",
      repo,
      "--parallel",
      "3",
      "--agent",
      "cmd",
      "--",
      FAKE_AGENT,
      "item:%.txt",
      "commit:work on the item",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const end = (await w.waitEnded("par", 90_000)) as LoopStatusJson;
    expect(end.loop?.done, JSON.stringify(end.loop, null, 2)).toBe(5);
    expect(end.loop?.items.map((i) => i.state)).toEqual(items.map(() => "done"));

    expect(git(repo, "rev-list", "--merges", "--count", "main")).toBe("5");
    const prd = readFileSync(join(repo, "PRD.md"), "utf8");
    expect(prd.match(/- \[x\]/g)).toHaveLength(5);
    for (const item of items) expect(existsSync(join(repo, `${item}.txt`))).toBe(true);
    // Finished items' worktrees and merged branches are gone; the main tree has only the loop's own files changed.
    expect(git(repo, "worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
    expect(git(repo, "branch", "--list", "agentmux/*")).toBe("");
    expect(git(repo, "status", "--porcelain", "--untracked-files=no")).toBe("M PRD.md");
  }, 120_000);

  it("two items editing the same line: one merged, one conflict with its branch kept", async () => {
    const w = new World();
    const barrier = tempDir("agentmux-barrier-");
    const repo = repoWithPrd("- [ ] Alpha\n- [ ] Bravo\n", { "shared.txt": "base line\n" });
    const r = await w.cli([
      "loop",
      "--name",
      "clash",
      "--cwd",
      repo,
      "--parallel",
      "2",
      "--agent",
      "cmd",
      "--",
      FAKE_AGENT,
      "item:shared.txt",
      "commit:edit the shared line",
      // Both branches fork from the same base: neither agent ends before the other committed.
      `barrier:${barrier}=2`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const end = (await w.waitEnded("clash", 90_000)) as LoopStatusJson;
    const states = end.loop?.items.map((i) => i.state).sort();
    expect(states, JSON.stringify(end, null, 2)).toEqual(["conflict", "done"]);
    const conflict = end.loop?.items.find((i) => i.state === "conflict");
    const branch = /agentmux\/clash\/\d-[a-z0-9-]+/.exec(conflict?.reason ?? "")?.[0];
    expect(branch, conflict?.reason ?? "").toBeDefined();
    expect(conflict?.reason).toMatch(/conflicts in shared\.txt/);
    expect(git(repo, "branch", "--list", branch ?? "")).toContain(branch);
    expect(git(repo, "rev-list", "--merges", "--count", "main")).toBe("1");
    // Only the merged item's box is ticked; the main tree is not left mid-merge.
    expect(readFileSync(join(repo, "PRD.md"), "utf8").match(/- \[x\]/g)).toHaveLength(1);
    expect(existsSync(join(repo, ".git", "MERGE_HEAD"))).toBe(false);
  }, 120_000);

  it("kill ends every running agent; their items go back to pending", async () => {
    const w = new World();
    const pids = tempDir("agentmux-pids-");
    const repo = repoWithPrd("- [ ] Alpha\n- [ ] Bravo\n");
    const r = await w.cli([
      "loop",
      "--name",
      "stopme",
      "--cwd",
      repo,
      "--parallel",
      "2",
      "--agent",
      "cmd",
      "--",
      FAKE_AGENT,
      // Each agent leaves a file named by its pid, then hangs.
      `barrier:${pids}=1`,
      "hang",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const agents = await waitFor(
      "two agents",
      () => {
        const found = readdirSync(pids).map(Number);
        return found.length === 2 ? found : null;
      },
      60_000,
    );
    expect((await w.cli(["kill", "stopme"])).code).toBe(0);
    const end = (await w.waitEnded("stopme", 60_000)) as LoopStatusJson;
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(agents.filter(alive)).toEqual([]);
    expect(end.loop?.items.map((i) => i.state)).toEqual(["pending", "pending"]);
    expect(git(repo, "rev-list", "--merges", "--count", "main")).toBe("0");
  }, 120_000);
});
