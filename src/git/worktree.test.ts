import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { git, gitEnv, tempRepo } from "../../test/helpers/git.js";
import { tempDir } from "../../test/helpers/tmp.js";
import {
  addWorktree,
  assertBranch,
  branchExists,
  listWorktrees,
  parseWorktreeList,
  removeWorktree,
  slugify,
} from "./worktree.js";

const opts = { env: gitEnv };
const HERE = fileURLToPath(new URL(".", import.meta.url));
// Inside node_modules so the bundle's `import "better-sqlite3"` resolves.
const CACHE = fileURLToPath(new URL("../../node_modules/.cache/agentmux-tests/", import.meta.url));

// One process per add: the lock must hold across processes, not just promises.
// Each child waits for the go file so all 40 hit git at the same moment.
const CHILD = `
import { existsSync } from "node:fs";
import { addWorktree } from "./worktree.ts";
const [repo, dir, branch, base, go] = process.argv.slice(2);
const deadline = Date.now() + 30000;
while (!existsSync(go)) {
  if (Date.now() > deadline) throw new Error("no go signal");
  await new Promise((r) => setTimeout(r, 2));
}
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
try {
  await addWorktree(repo, { dir, branch, base }, { env });
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: e.message }));
}
`;

function node(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe("slugify and branch names", () => {
  it.each([
    ["Add a login form", "add-a-login-form"],
    ["  --force; rm -rf / ", "force-rm-rf"],
    ["Ünïcödé naïve café", "unicode-naive-cafe"],
    ["$(touch pwned)", "touch-pwned"],
    ["!!!", "item"],
    ["a".repeat(80), "a".repeat(40)],
  ])("%j -> %j", (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });

  it.each(["agentmux/loop/1-add-form", "agentmux/my_loop/2-x"])("accepts %j", (b) => {
    expect(() => assertBranch(b)).not.toThrow();
  });
  it.each(["-b", "agentmux/../x", "a b", "agentmux//x", "x/", "a.lock", "a~1", "$(x)"])(
    "rejects %j",
    (b) => {
      expect(() => assertBranch(b)).toThrow(/Expected a branch name/);
    },
  );
});

describe("parseWorktreeList", () => {
  it("reads porcelain -z records", () => {
    const out =
      "worktree /r\0HEAD abc\0branch refs/heads/main\0\0" +
      "worktree /w 1\0HEAD def\0detached\0locked\0prunable gitdir file points to non-existent location\0\0";
    expect(parseWorktreeList(out)).toEqual([
      { path: "/r", head: "abc", branch: "main", bare: false, locked: false, prunable: false },
      { path: "/w 1", head: "def", branch: null, bare: false, locked: true, prunable: true },
    ]);
  });
});

describe("worktrees on a real repository", () => {
  it("40 concurrent adds from separate processes: 0 failures", async () => {
    const repo = tempRepo();
    const base = git(repo, "rev-parse", "HEAD");
    const root = tempDir("agentmux-wt-");
    mkdirSync(CACHE, { recursive: true });
    const bundle = join(CACHE, `worktree-child-${process.pid}.mjs`);
    await build({
      stdin: { contents: CHILD, resolveDir: HERE, loader: "ts", sourcefile: "child.ts" },
      outfile: bundle,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      external: ["better-sqlite3"],
      logLevel: "warning",
    });
    const go = join(root, "go");
    const n = 40;
    const started = Date.now();
    const children = Array.from({ length: n }, (_, i) =>
      node([bundle, repo, join(root, `w${i}`), `agentmux/t/${i}-item`, base, go]),
    );
    writeFileSync(go, "");
    const results = (await Promise.all(children)).map(
      (o) => JSON.parse(o) as { ok: boolean; error?: string },
    );
    const wallMs = Date.now() - started;
    const failures = results.filter((r) => !r.ok);
    // Figure for the report (not asserted: no timing assertions).
    console.log(`40 concurrent worktree adds: ${failures.length} failures, ${wallMs} ms wall`);
    expect(failures).toEqual([]);
    const list = await listWorktrees(repo, opts);
    expect(list).toHaveLength(n + 1);
    expect(git(repo, "branch", "--list", "agentmux/t/*").split("\n")).toHaveLength(n);
    rmSync(bundle, { force: true });
  }, 120_000);

  it("a failed add leaves no branch, worktree or directory behind", async () => {
    const repo = tempRepo();
    const root = tempDir("agentmux-wt-");
    const dir = join(root, "w");
    // A sha that does not exist: git fails after agentmux asked for a new branch.
    await expect(
      addWorktree(
        repo,
        { dir, branch: "agentmux/t/1-x", base: "0123456789abcdef0123456789abcdef01234567" },
        opts,
      ),
    ).rejects.toThrow(/git worktree failed/);
    expect(await branchExists(repo, "agentmux/t/1-x", opts)).toBe(false);
    expect(await listWorktrees(repo, opts)).toHaveLength(1);
    expect(existsSync(dir)).toBe(false);
    // A branch that is checked out elsewhere (main): git refuses; the existing branch stays.
    await expect(addWorktree(repo, { dir, branch: "main", base: "HEAD" }, opts)).rejects.toThrow(
      /git worktree failed/,
    );
    expect(await branchExists(repo, "main", opts)).toBe(true);
    expect(await listWorktrees(repo, opts)).toHaveLength(1);
    expect(existsSync(dir)).toBe(false);
  });

  it("refuses a non-empty target directory before touching git", async () => {
    const repo = tempRepo();
    const dir = tempDir("agentmux-wt-");
    writeFileSync(join(dir, "keep.txt"), "mine\n");
    await expect(
      addWorktree(repo, { dir, branch: "agentmux/t/1-x", base: "HEAD" }, opts),
    ).rejects.toThrow(/not empty/);
    expect(readdirSync(dir)).toEqual(["keep.txt"]);
    expect(await branchExists(repo, "agentmux/t/1-x", opts)).toBe(false);
  });

  it("removes a clean worktree, keeps a dirty one and its branch", async () => {
    const repo = tempRepo();
    const root = tempDir("agentmux-wt-");
    const clean = join(root, "clean");
    const dirty = join(root, "dirty");
    expect(
      await addWorktree(repo, { dir: clean, branch: "agentmux/t/1-a", base: "HEAD" }, opts),
    ).toEqual({ createdBranch: true });
    await addWorktree(repo, { dir: dirty, branch: "agentmux/t/2-b", base: "HEAD" }, opts);
    writeFileSync(join(dirty, "work.txt"), "not committed\n");

    expect(await removeWorktree(repo, clean, opts)).toEqual({ removed: true });
    expect(existsSync(clean)).toBe(false);
    expect(await branchExists(repo, "agentmux/t/1-a", opts)).toBe(true);

    const kept = await removeWorktree(repo, dirty, opts);
    expect(kept).toMatchObject({ removed: false, dirty: ["work.txt"] });
    expect(existsSync(join(dirty, "work.txt"))).toBe(true);
    expect((await listWorktrees(repo, opts)).map((w) => w.branch)).toContain("agentmux/t/2-b");
  });

  it("re-adds a worktree on an existing branch (a retried item)", async () => {
    const repo = tempRepo();
    const root = tempDir("agentmux-wt-");
    const dir = join(root, "w");
    await addWorktree(repo, { dir, branch: "agentmux/t/1-a", base: "HEAD" }, opts);
    writeFileSync(join(dir, "f.txt"), "x\n");
    git(dir, "add", "f.txt");
    git(dir, "commit", "-q", "-m", "work");
    expect(await removeWorktree(repo, dir, opts)).toEqual({ removed: true });
    expect(await addWorktree(repo, { dir, branch: "agentmux/t/1-a", base: "HEAD" }, opts)).toEqual({
      createdBranch: false,
    });
    expect(existsSync(join(dir, "f.txt"))).toBe(true);
  });
});
