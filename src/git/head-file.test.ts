import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, tempRepo } from "../../test/helpers/git.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { currentBranch, headCommit } from "./git.js";
import { headBranchFromFiles, headFromFiles } from "./head-file.js";

/** Against real git 2.39: whatever headFromFiles answers must be what git says. */
describe("headFromFiles (real git)", () => {
  it.each([
    ["a branch with a loose ref", (_r: string) => undefined],
    ["a packed ref", (r: string) => git(r, "pack-refs", "--all")],
    ["a detached HEAD", (r: string) => git(r, "checkout", "-q", "--detach")],
  ])("%s", async (_name, setup) => {
    const repo = tempRepo();
    git(repo, "commit", "-q", "--allow-empty", "-m", "second");
    setup(repo);
    expect(headFromFiles(repo)).toBe(await headCommit(repo));
  });

  it("a linked worktree reads its own HEAD", async () => {
    const repo = tempRepo();
    const wt = join(tempDir(), "wt");
    git(repo, "worktree", "add", "-q", "-b", "side", wt);
    git(wt, "commit", "-q", "--allow-empty", "-m", "on side");
    expect(headFromFiles(wt)).toBe(await headCommit(wt));
    expect(headFromFiles(wt)).not.toBe(headFromFiles(repo));
  });

  it("an unborn branch or no repository: null (the caller asks git)", () => {
    const dir = tempDir();
    git(dir, "init", "-q");
    expect(headFromFiles(dir)).toBeNull();
    expect(headFromFiles(tempDir())).toBeNull();
  });
});

describe("headBranchFromFiles (real git)", () => {
  it("agrees with git on a branch, a new branch, a worktree and a detached HEAD", async () => {
    const repo = tempRepo();
    expect(headBranchFromFiles(repo)).toBe(await currentBranch(repo));
    git(repo, "checkout", "-q", "-b", "feature/x");
    expect(headBranchFromFiles(repo)).toBe("feature/x");
    const wt = join(tempDir(), "wt");
    git(repo, "worktree", "add", "-q", "-b", "side", wt);
    expect(headBranchFromFiles(wt)).toBe("side");
    git(repo, "checkout", "-q", "--detach");
    expect(headBranchFromFiles(repo)).toBeNull();
    expect(headBranchFromFiles(tempDir())).toBeUndefined();
  });
});
