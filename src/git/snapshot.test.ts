import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitEnv, tempRepo } from "../../test/helpers/git.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { treeDiff, worktreeTree } from "./snapshot.js";

const opts = { env: gitEnv };

describe("worktreeTree and treeDiff (real repository)", () => {
  it("a clean tree is HEAD's tree; edits, new and deleted files show; the index is untouched", async () => {
    const dir = tempRepo();
    writeFileSync(join(dir, "b.txt"), "b\n");
    git(dir, "add", "b.txt");
    git(dir, "commit", "-q", "-m", "b");
    const clean = await worktreeTree(dir, opts);
    expect(clean).toBe(git(dir, "rev-parse", "HEAD^{tree}"));
    writeFileSync(join(dir, "README.md"), "edited\n");
    writeFileSync(join(dir, "new.txt"), "new\n");
    writeFileSync(join(dir, ".gitignore"), "ignored.log\n");
    writeFileSync(join(dir, "ignored.log"), "noise\n");
    git(dir, "rm", "-q", "b.txt");
    const staged = git(dir, "diff", "--cached", "--name-only");
    const dirty = await worktreeTree(dir, opts);
    expect(dirty).not.toBe(clean);
    expect(await treeDiff(dir, clean!, dirty!, opts)).toEqual([
      ".gitignore",
      "README.md",
      "b.txt",
      "new.txt",
    ]);
    // the user's staging area is as it was
    expect(git(dir, "diff", "--cached", "--name-only")).toBe(staged);
    // the same tree again: nothing changed since
    expect(await treeDiff(dir, dirty!, (await worktreeTree(dir, opts))!, opts)).toEqual([]);
  });

  it("an unborn repository and no repository", async () => {
    const dir = tempDir();
    git(dir, "init", "-q");
    writeFileSync(join(dir, "a.txt"), "a\n");
    const tree = await worktreeTree(dir, opts);
    expect(tree).toMatch(/^[0-9a-f]{40}$/);
    expect(existsSync(join(dir, ".git", "index"))).toBe(false);
    const other = tempDir();
    expect(
      await worktreeTree(other, { env: { ...gitEnv, GIT_CEILING_DIRECTORIES: join(other, "..") } }),
    ).toBeNull();
  });
});
