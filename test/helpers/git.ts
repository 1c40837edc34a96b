import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./tmp.js";

/** Environment for git in tests: no user config, fixed identity. */
export const gitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.invalid",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.invalid",
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: gitEnv, encoding: "utf8" }).trim();
}

/** A temp git repo on branch main with one commit (README.md). */
export function tempRepo(): string {
  const dir = tempDir("agentmux-repo-");
  git(dir, "init", "-q", "-b", "main");
  writeFileSync(join(dir, "README.md"), "# test repo\n");
  git(dir, "add", "README.md");
  git(dir, "commit", "-q", "-m", "initial");
  return dir;
}
