import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World } from "../helpers/cli.js";
import { git, tempRepo } from "../helpers/git.js";

interface VerifyJson {
  verdict: string;
  judged: string;
  since: { commits: { subject: string }[]; files: string[]; rewritten: boolean; exact: boolean };
}

async function finishedRun(steps: string[]): Promise<{ w: World; repo: string }> {
  const w = new World();
  const repo = tempRepo();
  const r = await w.cli([
    "run",
    "cmd",
    "--name",
    "r",
    "--cwd",
    repo,
    "--no-notify",
    "--",
    FAKE_AGENT,
    ...steps,
  ]);
  expect(r.code).toBe(0);
  await w.waitEnded("r");
  return { w, repo };
}

describe("agentmux verify judges the run as it ended, not today's tree", () => {
  it("no-changes stays no-changes after the user edits a file; the edit is reported as since", async () => {
    const { w, repo } = await finishedRun(["print:read the code and left"]);
    expect((await w.json<{ verdict: string }>(["status", "r"])).verdict).toBe("no-changes");
    writeFileSync(join(repo, "README.md"), "edited by the user afterwards\n");
    writeFileSync(join(repo, "notes.txt"), "new\n");
    const v = await w.cli(["verify", "r"]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/^r: no-changes/);
    expect(v.stdout).toMatch(
      /since the run ended: 2 file\(s\) differ \(README\.md, notes\.txt\); not part of this verdict/,
    );
    const j = await w.json<VerifyJson>(["verify", "r"]);
    expect(j).toMatchObject({ verdict: "no-changes", judged: "at-end" });
    expect(j.since).toMatchObject({
      files: ["README.md", "notes.txt"],
      commits: [],
      rewritten: false,
      exact: true,
    });
    expect((await w.json<{ verdict: string }>(["status", "r"])).verdict).toBe("no-changes");
  });

  it("uncommitted work stays verified after the user throws it away; a commit since is reported", async () => {
    const { w, repo } = await finishedRun(["write:half.txt=the agent's uncommitted work"]);
    const j0 = await w.json<VerifyJson>(["verify", "r"]);
    expect(j0.verdict).toBe("verified");
    expect(j0.since.files).toEqual([]);
    rmSync(join(repo, "half.txt"));
    writeFileSync(join(repo, "b.txt"), "b\n");
    git(repo, "add", "b.txt");
    git(repo, "commit", "-qm", "the user's own commit");
    const j = await w.json<VerifyJson>(["verify", "r"]);
    expect(j.verdict).toBe("verified");
    expect(j.since.commits.map((c) => c.subject)).toEqual(["the user's own commit"]);
    expect(j.since.files).toEqual(["b.txt", "half.txt"]);
  });

  it("history rewritten after the run is reported, the verdict kept", async () => {
    const { w, repo } = await finishedRun(["write:a.txt=a", "commit:add a"]);
    git(repo, "reset", "-q", "--hard", "HEAD~1");
    const j = await w.json<VerifyJson>(["verify", "r"]);
    expect(j.verdict).toBe("verified");
    expect(j.since.rewritten).toBe(true);
    expect(j.since.files).toEqual(["a.txt"]);
  });
});
