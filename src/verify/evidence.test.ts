import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitEnv, tempRepo } from "../../test/helpers/git.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { gatherEvidence } from "./evidence.js";

// Stop git's repository search at the temp dir's parent (see git.test.ts).
const envFor = (dir: string): NodeJS.ProcessEnv => ({
  ...gitEnv,
  GIT_CEILING_DIRECTORIES: dirname(dir),
});

function write(dir: string, rel: string, text = "x\n"): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

function commitFile(dir: string, rel: string, msg: string): string {
  write(dir, rel, `${msg}\n`);
  git(dir, "add", "--", rel);
  git(dir, "commit", "-q", "-m", msg);
  return git(dir, "rev-parse", "HEAD");
}

describe("gatherEvidence", () => {
  it("reports commits since start plus uncommitted files, sorted and unique", async () => {
    const dir = tempRepo();
    const start = git(dir, "rev-parse", "HEAD");
    const a = commitFile(dir, "src/a file.ts", "add a");
    write(dir, "src/a file.ts", "edited again\n");
    write(dir, "notes/ü.md");
    const ev = await gatherEvidence({
      cwd: join(dir, "src"),
      startCommit: start,
      env: envFor(dir),
    });
    expect(ev).toEqual({
      isRepo: true,
      startCommit: start,
      headCommit: a,
      commits: [{ sha: a, subject: "add a" }],
      filesChanged: ["notes/ü.md", "src/a file.ts"],
      uncommitted: ["notes/ü.md", "src/a file.ts"],
      tail: [],
    });
  });

  it("reports nothing when nothing changed", async () => {
    const dir = tempRepo();
    const start = git(dir, "rev-parse", "HEAD");
    const ev = await gatherEvidence({ cwd: dir, startCommit: start, env: envFor(dir) });
    expect(ev).toMatchObject({
      isRepo: true,
      headCommit: start,
      commits: [],
      filesChanged: [],
      uncommitted: [],
    });
  });

  it("outside a repo: isRepo false, empty lists, still a tail", async () => {
    const dir = tempDir();
    const log = join(dir, "pane.log");
    writeFileSync(log, "\x1b[31mboom\x1b[0m\r\n");
    const ev = await gatherEvidence({
      cwd: dir,
      startCommit: null,
      logPath: log,
      env: envFor(dir),
    });
    expect(ev).toEqual({
      isRepo: false,
      startCommit: null,
      headCommit: null,
      commits: [],
      filesChanged: [],
      uncommitted: [],
      tail: ["boom"],
    });
  });

  it("start null and still no commits: only uncommitted files", async () => {
    const dir = tempDir();
    git(dir, "init", "-q", "-b", "main");
    write(dir, "draft.txt");
    const ev = await gatherEvidence({ cwd: dir, startCommit: null, env: envFor(dir) });
    expect(ev).toMatchObject({
      isRepo: true,
      headCommit: null,
      commits: [],
      filesChanged: ["draft.txt"],
    });
  });

  it("start null and the agent made the first commits: all of them count", async () => {
    const dir = tempDir();
    git(dir, "init", "-q", "-b", "main");
    const a = commitFile(dir, "a.txt", "first");
    const b = commitFile(dir, "b.txt", "second");
    const ev = await gatherEvidence({ cwd: dir, startCommit: null, env: envFor(dir) });
    expect(ev).toMatchObject({
      headCommit: b,
      commits: [
        { sha: a, subject: "first" },
        { sha: b, subject: "second" },
      ],
      filesChanged: ["a.txt", "b.txt"],
      uncommitted: [],
    });
  });

  it("start commit rewritten away (amend): the new commit is reported, and the rewrite", async () => {
    const dir = tempRepo();
    const start = commitFile(dir, "a.txt", "wip");
    write(dir, "b.txt");
    git(dir, "add", "b.txt");
    git(dir, "commit", "-q", "--amend", "-m", "wip, finished");
    const head = git(dir, "rev-parse", "HEAD");
    const ev = await gatherEvidence({ cwd: dir, startCommit: start, env: envFor(dir) });
    expect(ev).toMatchObject({
      headCommit: head,
      commits: [{ sha: head, subject: "wip, finished" }],
      filesChanged: ["b.txt"],
      historyRewritten: true,
    });
  });

  it("start commit no longer exists: report HEAD and uncommitted files, do not throw", async () => {
    const dir = tempRepo();
    write(dir, "dirty.txt");
    const gone = "0123456789abcdef0123456789abcdef01234567";
    const ev = await gatherEvidence({ cwd: dir, startCommit: gone, env: envFor(dir) });
    expect(ev).toMatchObject({
      isRepo: true,
      startCommit: gone,
      headCommit: git(dir, "rev-parse", "HEAD"),
      commits: [],
      filesChanged: ["dirty.txt"],
      uncommitted: ["dirty.txt"],
      historyRewritten: true,
    });
  });

  it("reset --hard to before the start, then new commits: history rewritten", async () => {
    const dir = tempRepo();
    const base = git(dir, "rev-parse", "HEAD");
    const start = commitFile(dir, "a.txt", "the user's commit");
    git(dir, "reset", "-q", "--hard", base);
    commitFile(dir, "b.txt", "the agent's work");
    const ev = await gatherEvidence({ cwd: dir, startCommit: start, env: envFor(dir) });
    expect(ev.historyRewritten).toBe(true);
    expect(ev.commits.map((c) => c.subject)).toEqual(["the agent's work"]);
  });

  it("fails loudly on a broken repository rather than reporting no changes", async () => {
    const dir = tempRepo();
    const start = git(dir, "rev-parse", "HEAD");
    writeFileSync(join(dir, ".git", "HEAD"), "ref: refs/heads/main\n");
    writeFileSync(join(dir, ".git", "index"), "garbage");
    await expect(
      gatherEvidence({ cwd: dir, startCommit: start, env: envFor(dir) }),
    ).rejects.toMatchObject({
      code: "git",
    });
  });

  it("keeps tailLines lines of the log", async () => {
    const dir = tempRepo();
    const log = join(tempDir(), "pane.log");
    writeFileSync(log, "a\nb\nc\nd\n");
    const ev = await gatherEvidence({
      cwd: dir,
      startCommit: git(dir, "rev-parse", "HEAD"),
      logPath: log,
      tailLines: 2,
      env: envFor(dir),
    });
    expect(ev.tail).toEqual(["c", "d"]);
  });

  it("reads the tail only once tailAfter settles: the last lines may still be arriving", async () => {
    const dir = tempRepo();
    const log = join(tempDir(), "pane.log");
    writeFileSync(log, "a\n");
    const arrived = new Promise<void>((resolve) =>
      setTimeout(() => {
        appendFileSync(log, "last words\n");
        resolve();
      }, 30),
    );
    const ev = await gatherEvidence({
      cwd: dir,
      startCommit: git(dir, "rev-parse", "HEAD"),
      logPath: log,
      tailAfter: arrived,
      env: envFor(dir),
    });
    expect(ev.tail).toEqual(["a", "last words"]);
  });

  it("HEAD still at the start commit, from the top or a subdirectory: dirty files only", async () => {
    const dir = tempRepo();
    const start = git(dir, "rev-parse", "HEAD");
    write(dir, "sub/new.txt");
    for (const cwd of [dir, join(dir, "sub")]) {
      const ev = await gatherEvidence({ cwd, startCommit: start, env: envFor(dir) });
      expect(ev).toMatchObject({
        headCommit: start,
        commits: [],
        filesChanged: ["sub/new.txt"],
        uncommitted: ["sub/new.txt"],
      });
    }
  });
});
