import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitEnv, tempRepo } from "../../test/helpers/git.js";
import { isAncestor, protectedChanges } from "./guard.js";

const opts = { env: gitEnv };

function write(dir: string, rel: string, text = "x\n"): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}
function commit(dir: string, msg: string, ...args: string[]): string {
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", msg, ...args);
  return git(dir, "rev-parse", "HEAD");
}

describe("isAncestor (real repository)", () => {
  it("follows history, and notices a rewrite", async () => {
    const dir = tempRepo();
    const start = git(dir, "rev-parse", "HEAD");
    write(dir, "a.txt");
    const a = commit(dir, "a");
    expect(await isAncestor(dir, start, a, opts)).toBe(true);
    expect(await isAncestor(dir, start, start, opts)).toBe(true);
    expect(await isAncestor(dir, a, start, opts)).toBe(false);
    // amend the start commit's child, then the start commit itself
    git(dir, "commit", "-q", "--amend", "-m", "a, amended");
    expect(await isAncestor(dir, a, "HEAD", opts)).toBe(false);
    expect(await isAncestor(dir, start, "HEAD", opts)).toBe(true);
    git(dir, "reset", "-q", "--hard", start);
    git(dir, "commit", "-q", "--amend", "-m", "initial, rewritten");
    expect(await isAncestor(dir, start, "HEAD", opts)).toBe(false);
  });

  it("a commit that does not exist has no descendants", async () => {
    const dir = tempRepo();
    expect(await isAncestor(dir, "0".repeat(40), "HEAD", opts)).toBe(false);
  });
});

describe("protectedChanges (real repository)", () => {
  it("lists protected files modified or deleted, committed or not; not new ones", async () => {
    const dir = tempRepo();
    write(dir, "check.sh", "run tests\n");
    write(dir, "test/a.test.js", "a\n");
    write(dir, "test/deep/b.test.js", "b\n");
    write(dir, "src/x.js", "x\n");
    const start = commit(dir, "base");
    const paths = [
      { path: "check.sh", glob: false },
      { path: "test/**", glob: true },
    ];
    expect(await protectedChanges(dir, start, paths, opts)).toEqual([]);
    write(dir, "src/x.js", "changed\n");
    write(dir, "test/new.test.js", "a new test is work\n");
    commit(dir, "work");
    expect(await protectedChanges(dir, start, paths, opts)).toEqual([]);
    write(dir, "check.sh", "echo '# tests 1'\n");
    commit(dir, "rewrite the check");
    rmSync(join(dir, "test/deep/b.test.js"));
    // asked from a subdirectory: paths are still from the top
    mkdirSync(join(dir, "src/sub"), { recursive: true });
    expect(await protectedChanges(join(dir, "src/sub"), start, paths, opts)).toEqual([
      "check.sh",
      "test/deep/b.test.js",
    ]);
  });

  it("a change reverted before the end is no change; a literal path never globs", async () => {
    const dir = tempRepo();
    write(dir, "a*.sh", "star\n");
    write(dir, "ab.sh", "ab\n");
    const start = commit(dir, "base");
    write(dir, "ab.sh", "changed\n");
    expect(await protectedChanges(dir, start, [{ path: "a*.sh", glob: false }], opts)).toEqual([]);
    expect(await protectedChanges(dir, start, [{ path: "a*.sh", glob: true }], opts)).toEqual([
      "ab.sh",
    ]);
    write(dir, "ab.sh", "ab\n");
    expect(await protectedChanges(dir, start, [{ path: "a*.sh", glob: true }], opts)).toEqual([]);
  });
});

describe("commitsWithFiles parents tell ancestry as isAncestor does (real repository)", () => {
  it.each<[string, (dir: string, start: string) => void]>([
    ["linear work", (dir) => (write(dir, "a.txt"), commit(dir, "a"))],
    [
      "a merge",
      (dir, start) => {
        git(dir, "checkout", "-q", "-b", "side");
        write(dir, "s.txt");
        commit(dir, "s");
        git(dir, "checkout", "-q", "main");
        write(dir, "m.txt");
        commit(dir, "m");
        git(dir, "merge", "-q", "--no-edit", "side");
        void start;
      },
    ],
    ["amend of the start", (dir) => git(dir, "commit", "-q", "--amend", "-m", "rewritten")],
    [
      "reset below the start, new work",
      (dir) => {
        git(dir, "reset", "-q", "--hard", "HEAD~1");
        write(dir, "b.txt");
        commit(dir, "b");
      },
    ],
  ])("%s", async (_name, act) => {
    const dir = tempRepo();
    write(dir, "base.txt");
    const start = commit(dir, "base");
    act(dir, start);
    const { commitsWithFiles } = await import("./commit-files.js");
    const commits = await commitsWithFiles(dir, start, "HEAD", opts);
    const head = git(dir, "rev-parse", "HEAD");
    const byParents = head === start || commits.some((c) => c.parents?.includes(start));
    expect(byParents).toBe(await isAncestor(dir, start, head, opts));
  });
});
