import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitEnv, tempRepo } from "../../test/helpers/git.js";
import { restorePaths } from "../git/merge.js";
import { branchExists } from "../git/worktree.js";
import { mergeItemBranch } from "./merge.js";

const opts = { env: gitEnv };

/** A repo on main with a.txt, and a branch `agentmux/l/1-x` that changed a.txt's first line. */
function repoWithBranch(): string {
  const repo = tempRepo();
  writeFileSync(join(repo, "a.txt"), "one\ntwo\nthree\n");
  writeFileSync(join(repo, "PRD.md"), "- [ ] x\n- [ ] y\n");
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "base");
  git(repo, "switch", "-q", "-c", "agentmux/l/1-x");
  writeFileSync(join(repo, "a.txt"), "ONE\ntwo\nthree\n");
  writeFileSync(join(repo, "b.txt"), "new\n");
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "item x");
  git(repo, "switch", "-q", "main");
  return repo;
}

const req = (repo: string) => ({
  repo,
  base: "main",
  branch: "agentmux/l/1-x",
  message: "agentmux: merge agentmux/l/1-x",
});

describe("mergeItemBranch", () => {
  it("merges cleanly with a merge commit, leaving unrelated dirty files alone", async () => {
    const repo = repoWithBranch();
    writeFileSync(join(repo, "README.md"), "user is editing this\n");
    const res = await mergeItemBranch(req(repo), opts);
    expect(res.merged).toBe(true);
    expect(git(repo, "rev-list", "--parents", "-n1", "HEAD").split(" ")).toHaveLength(3);
    expect(readFileSync(join(repo, "a.txt"), "utf8")).toBe("ONE\ntwo\nthree\n");
    expect(readFileSync(join(repo, "README.md"), "utf8")).toBe("user is editing this\n");
  });

  it("a conflict is refused before the tree is touched; the branch is kept", async () => {
    const repo = repoWithBranch();
    writeFileSync(join(repo, "a.txt"), "uno\ntwo\nthree\n");
    git(repo, "commit", "-q", "-am", "main edits the same line");
    const head = git(repo, "rev-parse", "HEAD");
    const res = await mergeItemBranch(req(repo), opts);
    expect(res).toMatchObject({ merged: false, files: ["a.txt"] });
    expect(res.merged ? "" : res.reason).toMatch(/conflicts in a\.txt/);
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
    expect(git(repo, "status", "--porcelain")).toBe("");
    expect(await branchExists(repo, "agentmux/l/1-x", opts)).toBe(true);
  });

  it("uncommitted work in a file the merge would write is a conflict, never clobbered", async () => {
    const repo = repoWithBranch();
    writeFileSync(join(repo, "a.txt"), "one\ntwo\nthree\nuser line\n");
    writeFileSync(join(repo, "b.txt"), "user's untracked file\n");
    const head = git(repo, "rev-parse", "HEAD");
    const res = await mergeItemBranch(req(repo), opts);
    expect(res).toMatchObject({ merged: false, files: ["a.txt", "b.txt"] });
    expect(res.merged ? "" : res.reason).toMatch(/uncommitted changes in a\.txt, b\.txt/);
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
    expect(readFileSync(join(repo, "a.txt"), "utf8")).toBe("one\ntwo\nthree\nuser line\n");
    expect(readFileSync(join(repo, "b.txt"), "utf8")).toBe("user's untracked file\n");
  });

  it("refuses when the main tree is not on the base branch", async () => {
    const repo = repoWithBranch();
    git(repo, "switch", "-q", "-c", "elsewhere");
    const res = await mergeItemBranch(req(repo), opts);
    expect(res.merged ? "" : res.reason).toMatch(
      /is on elsewhere, not the loop's base branch main/,
    );
  });

  it("restorePaths keeps the loop's files out of a branch", async () => {
    const repo = repoWithBranch();
    const fork = git(repo, "rev-parse", "main");
    git(repo, "switch", "-q", "agentmux/l/1-x");
    writeFileSync(join(repo, "PRD.md"), "- [x] x\n- [ ] y\n");
    git(repo, "commit", "-q", "-am", "tick");
    writeFileSync(join(repo, "notes.md"), "untracked notes\n");
    expect(await restorePaths(repo, fork, ["PRD.md", "notes.md"], "agentmux: restore", opts)).toBe(
      true,
    );
    expect(git(repo, "diff", "--name-only", `${fork}...HEAD`)).toBe("a.txt\nb.txt");
    expect(git(repo, "status", "--porcelain")).toBe("");
    // The main tree ticked its own box meanwhile: the merge does not touch the PRD.
    git(repo, "switch", "-q", "main");
    writeFileSync(join(repo, "PRD.md"), "- [ ] x\n- [x] y\n");
    const res = await mergeItemBranch(req(repo), opts);
    expect(res.merged).toBe(true);
    expect(readFileSync(join(repo, "PRD.md"), "utf8")).toBe("- [ ] x\n- [x] y\n");
  });
});
