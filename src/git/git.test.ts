import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitEnv, tempRepo } from "../../test/helpers/git.js";
import { tempDir } from "../../test/helpers/tmp.js";
import {
  commitExists,
  commitsBetween,
  currentBranch,
  filesChangedBetween,
  headCommit,
  isRepo,
  topLevel,
  uncommittedFiles,
} from "./git.js";

// Stop git's repository search at the temp dir's parent, so a stray .git
// above /tmp cannot turn "not a repo" into "a repo".
function envFor(dir: string): { env: NodeJS.ProcessEnv } {
  return { env: { ...gitEnv, GIT_CEILING_DIRECTORIES: dirname(dir) } };
}

function write(dir: string, rel: string, text = "x\n"): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

function commitFile(dir: string, rel: string, msg: string, text = `${msg}\n`): string {
  write(dir, rel, text);
  git(dir, "add", "--", rel);
  git(dir, "commit", "-q", "-m", msg);
  return git(dir, "rev-parse", "HEAD");
}

const WEIRD = ["with space.txt", "new\nline.txt", "ünïcødé/文件 ✓.md", "tab\there", '"quoted"'];

describe("repository lookups", () => {
  it("answers from the top and from a subdirectory", async () => {
    const dir = tempRepo();
    const opts = envFor(dir);
    mkdirSync(join(dir, "sub", "deep"), { recursive: true });
    const sub = join(dir, "sub", "deep");
    const head = git(dir, "rev-parse", "HEAD");
    for (const cwd of [dir, sub]) {
      expect(await isRepo(cwd, opts)).toBe(true);
      expect(await topLevel(cwd, opts)).toBe(dir);
      expect(await headCommit(cwd, opts)).toBe(head);
      expect(await currentBranch(cwd, opts)).toBe("main");
    }
  });

  it("says not-a-repo without throwing", async () => {
    const dir = tempDir();
    const opts = envFor(dir);
    expect(await isRepo(dir, opts)).toBe(false);
    expect(await topLevel(dir, opts)).toBeNull();
    expect(await headCommit(dir, opts)).toBeNull();
    expect(await currentBranch(dir, opts)).toBeNull();
    expect(await commitsBetween(dir, null, "HEAD", opts)).toEqual([]);
    expect(await filesChangedBetween(dir, null, "HEAD", opts)).toEqual([]);
    expect(await uncommittedFiles(dir, opts)).toEqual([]);
    expect(await commitExists(dir, "HEAD", opts)).toBe(false);
  });

  it("treats a vanished directory and the .git directory as not a repo", async () => {
    const dir = tempRepo();
    const opts = envFor(dir);
    expect(await isRepo(join(dir, ".git"), opts)).toBe(false);
    expect(await uncommittedFiles(join(dir, ".git"), opts)).toEqual([]);
    expect(await isRepo(join(dir, "no-such-dir"), opts)).toBe(false);
    expect(await headCommit(join(dir, "no-such-dir"), opts)).toBeNull();
  });

  it("handles an unborn HEAD (no commits yet)", async () => {
    const dir = tempDir();
    const opts = envFor(dir);
    git(dir, "init", "-q", "-b", "trunk");
    write(dir, "a.txt");
    expect(await isRepo(dir, opts)).toBe(true);
    expect(await headCommit(dir, opts)).toBeNull();
    expect(await currentBranch(dir, opts)).toBe("trunk");
    expect(await uncommittedFiles(dir, opts)).toEqual(["a.txt"]);
  });

  it("reports no branch on a detached HEAD", async () => {
    const dir = tempRepo();
    git(dir, "checkout", "-q", "--detach");
    expect(await currentBranch(dir, envFor(dir))).toBeNull();
  });

  it("asks about cwd even when GIT_DIR leaks in from a git hook", async () => {
    const dir = tempRepo();
    const other = tempRepo();
    commitFile(other, "o.txt", "other");
    const env = { ...envFor(dir).env, GIT_DIR: join(other, ".git") };
    expect(await headCommit(dir, { env })).toBe(git(dir, "rev-parse", "HEAD"));
  });
});

describe("commitsBetween", () => {
  it("lists commits since a start commit, oldest first, subjects intact", async () => {
    const dir = tempRepo();
    const opts = envFor(dir);
    const first = git(dir, "rev-parse", "HEAD");
    const a = commitFile(dir, "a.txt", "feat: ümlaut — and 文字");
    const b = commitFile(dir, "b.txt", "second  with  spaces");
    expect(await commitsBetween(dir, first, "HEAD", opts)).toEqual([
      { sha: a, subject: "feat: ümlaut — and 文字" },
      { sha: b, subject: "second  with  spaces" },
    ]);
    expect(await commitsBetween(dir, b, "HEAD", opts)).toEqual([]);
    const all = await commitsBetween(dir, null, "HEAD", opts);
    expect(all.map((c) => c.subject)).toEqual([
      "initial",
      "feat: ümlaut — and 文字",
      "second  with  spaces",
    ]);
  });

  it("reports the new commits when history was rewritten", async () => {
    const dir = tempRepo();
    const opts = envFor(dir);
    const start = commitFile(dir, "a.txt", "original");
    git(dir, "commit", "-q", "--amend", "-m", "amended");
    const amended = git(dir, "rev-parse", "HEAD");
    expect(await commitsBetween(dir, start, "HEAD", opts)).toEqual([
      { sha: amended, subject: "amended" },
    ]);
  });

  it("throws a git error naming the subcommand and cwd for an unknown revision", async () => {
    const dir = tempRepo();
    const err = await commitsBetween(dir, "f".repeat(40), "HEAD", envFor(dir)).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "git" });
    expect((err as Error).message).toMatch(new RegExp(`^git log failed in ${dir}: fatal: `));
  });

  it("rejects a revision that git would read as an option", async () => {
    const dir = tempRepo();
    await expect(commitsBetween(dir, "--all", "HEAD", envFor(dir))).rejects.toMatchObject({
      code: "bad-value",
    });
  });
});

describe("filesChangedBetween", () => {
  it("lists committed paths with spaces, newlines and unicode", async () => {
    const dir = tempRepo();
    const opts = envFor(dir);
    const start = git(dir, "rev-parse", "HEAD");
    for (const name of WEIRD) write(dir, name);
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "weird names");
    expect(await filesChangedBetween(dir, start, "HEAD", opts)).toEqual([...WEIRD].sort());
    expect(await filesChangedBetween(dir, null, "HEAD", opts)).toEqual(
      [...WEIRD, "README.md"].sort(),
    );
  });

  it("gives the net change since start, both sides of a rename, repo-relative from a subdir", async () => {
    const dir = tempRepo();
    const opts = envFor(dir);
    commitFile(dir, "keep.txt", "keep");
    const start = commitFile(dir, "sub/old.txt", "old");
    commitFile(dir, "flip.txt", "flip", "a\n");
    git(dir, "rm", "-q", "flip.txt");
    git(dir, "commit", "-q", "-m", "unflip");
    git(dir, "mv", "sub/old.txt", "sub/new.txt");
    git(dir, "commit", "-q", "-m", "rename");
    expect(await filesChangedBetween(join(dir, "sub"), start, "HEAD", opts)).toEqual([
      "sub/new.txt",
      "sub/old.txt",
    ]);
  });

  it("lists what a reset undid when start is no longer an ancestor", async () => {
    const dir = tempRepo();
    const opts = envFor(dir);
    const start = commitFile(dir, "undone.txt", "to be undone");
    git(dir, "reset", "-q", "--hard", "HEAD~1");
    expect(await commitsBetween(dir, start, "HEAD", opts)).toEqual([]);
    expect(await filesChangedBetween(dir, start, "HEAD", opts)).toEqual(["undone.txt"]);
  });
});

describe("uncommittedFiles", () => {
  it("lists modified, staged, deleted, untracked (per file) and renamed paths", async () => {
    const dir = tempRepo();
    const opts = envFor(dir);
    commitFile(dir, "tracked.txt", "t");
    commitFile(dir, "gone.txt", "g");
    commitFile(dir, "before.txt", "b");
    write(dir, "README.md", "changed\n");
    write(dir, "staged.txt");
    git(dir, "add", "staged.txt");
    rmSync(join(dir, "gone.txt"));
    git(dir, "mv", "before.txt", "after name.txt");
    write(dir, "newdir/inner/deep.txt");
    write(dir, "newdir/top.txt");
    for (const name of WEIRD) write(dir, name);
    const expected = [
      "README.md",
      "after name.txt",
      "before.txt",
      "gone.txt",
      "newdir/inner/deep.txt",
      "newdir/top.txt",
      "staged.txt",
      ...WEIRD,
    ].sort();
    expect(await uncommittedFiles(dir, opts)).toEqual(expected);
    expect(await uncommittedFiles(join(dir, "newdir"), opts)).toEqual(expected);
  });

  it("reports an unstaged rename as a delete plus an untracked file", async () => {
    const dir = tempRepo();
    renameSync(join(dir, "README.md"), join(dir, "READ ME.md"));
    expect(await uncommittedFiles(dir, envFor(dir))).toEqual(["READ ME.md", "README.md"]);
  });

  it("works while an agent holds index.lock", async () => {
    const dir = tempRepo();
    write(dir, "README.md", "changed\n");
    writeFileSync(join(dir, ".git", "index.lock"), "");
    expect(await uncommittedFiles(dir, envFor(dir))).toEqual(["README.md"]);
  });
});
