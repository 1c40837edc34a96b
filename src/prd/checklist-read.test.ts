import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitEnv, tempRepo } from "../../test/helpers/git.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { AgentmuxError } from "../util/errors.js";
import { readPrd } from "./checklist-read.js";

// Stop git's repository search at the temp dir's parent, so a temp dir that
// happens to sit inside some repository is still "not a repo".
const envFor = (dir: string): NodeJS.ProcessEnv => ({
  ...gitEnv,
  GIT_CEILING_DIRECTORIES: dirname(dir),
});

const PRD = "# PRD\n\n- [x] one\n- [ ] two\n";

function write(dir: string, rel: string, text: string | Buffer = PRD): string {
  const file = join(dir, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

async function prdError(path: string, cwd: string, env = envFor(cwd)): Promise<AgentmuxError> {
  const err: unknown = await readPrd(path, { cwd, env }).then(
    () => new Error("expected readPrd to fail"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgentmuxError);
  const ae = err as AgentmuxError;
  expect(ae.code).toBe("prd");
  expect(ae.hint).toBeTruthy();
  return ae;
}

describe("readPrd", () => {
  it("reads and parses a PRD relative to cwd", async () => {
    const repo = tempRepo();
    write(repo, "docs/PRD.md");
    const prd = await readPrd("docs/PRD.md", { cwd: repo, env: envFor(repo) });
    expect(prd.path).toBe(join(repo, "docs/PRD.md"));
    expect(prd.relativePath).toBe("docs/PRD.md");
    expect(prd.bytes.toString()).toBe(PRD);
    expect(prd.checklist.items.map((i) => i.key)).toEqual(["one#1", "two#1"]);
  });

  it("accepts a PRD elsewhere in the repository than cwd", async () => {
    const repo = tempRepo();
    write(repo, "PRD.md");
    mkdirSync(join(repo, "src/app"), { recursive: true });
    const prd = await readPrd("../../PRD.md", { cwd: join(repo, "src/app"), env: envFor(repo) });
    expect(prd.relativePath).toBe("PRD.md");
  });

  it("follows a symlink that stays inside the repository", async () => {
    const repo = tempRepo();
    write(repo, "plans/real.md");
    symlinkSync("plans/real.md", join(repo, "PRD.md"));
    const prd = await readPrd("PRD.md", { cwd: repo, env: envFor(repo) });
    expect(prd.path).toBe(join(repo, "plans/real.md"));
    expect(prd.relativePath).toBe("plans/real.md");
  });

  it("uses cwd as the top directory outside a repository", async () => {
    const dir = tempDir();
    write(dir, "work/PRD.md");
    const prd = await readPrd("PRD.md", { cwd: join(dir, "work"), env: envFor(dir) });
    expect(prd.relativePath).toBe("PRD.md");
    const err = await prdError("../other.md", join(dir, "work"), envFor(dir));
    expect(err.message).toContain("does not exist");
    write(dir, "other.md");
    const outside = await prdError("../other.md", join(dir, "work"), envFor(dir));
    expect(outside.message).toContain("outside the working tree");
  });

  it("refuses a PRD outside the repository, by path or through a symlink", async () => {
    const repo = tempRepo();
    const elsewhere = write(tempDir(), "PRD.md");
    const byPath = await prdError(elsewhere, repo);
    expect(byPath.message).toContain("outside the working tree");
    expect(byPath.message).toContain(JSON.stringify(repo));
    symlinkSync(elsewhere, join(repo, "PRD.md"));
    const byLink = await prdError("PRD.md", repo);
    expect(byLink.message).toContain(JSON.stringify(elsewhere));
  });

  it.each([
    ["a missing file", "missing.md", "does not exist"],
    ["a path through a file", "README.md/PRD.md", "goes through a file"],
    ["a directory", ".", "not a regular file"],
    ["an empty path", " ", "Expected a PRD file path"],
  ])("refuses %s", async (_label, path, message) => {
    const repo = tempRepo();
    expect((await prdError(path, repo)).message).toContain(message);
  });

  it("refuses a FIFO instead of blocking on it", async () => {
    const repo = tempRepo();
    execFileSync("mkfifo", [join(repo, "PRD.md")]);
    expect((await prdError("PRD.md", repo)).message).toContain("not a regular file");
  });

  it.skipIf(process.getuid?.() === 0)("refuses an unreadable file", async () => {
    const repo = tempRepo();
    chmodSync(write(repo, "PRD.md"), 0o000);
    expect((await prdError("PRD.md", repo)).message).toContain("permission denied");
  });

  it("refuses a missing working directory", async () => {
    const dir = tempDir();
    const err = await prdError("PRD.md", join(dir, "gone"), envFor(dir));
    expect(err.message).toContain("is not accessible");
  });

  it.each([
    ["an empty file", ""],
    ["plain bullets", "# Plan\n\n- do a\n- [2026-01-29] did b\n"],
    ["boxes only in code and comments", "```\n- [ ] a\n```\n<!--\n- [ ] b\n-->\n"],
    ["boxes with no text", "- [ ]\n- [x]   \n"],
  ])("refuses %s: no checklist items, never complete", async (_label, text) => {
    const repo = tempRepo();
    write(repo, "PRD.md", text);
    const err = await prdError("PRD.md", repo);
    expect(err.message).toBe('"PRD.md" has no checklist items (- [ ] ...)');
  });

  it("refuses UTF-16 with a hint to save as UTF-8", async () => {
    const repo = tempRepo();
    write(repo, "PRD.md", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PRD, "utf16le")]));
    expect((await prdError("PRD.md", repo)).message).toContain("UTF-16");
  });
});
