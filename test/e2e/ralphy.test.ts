import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { World, waitFor } from "../helpers/cli.js";
import { git, tempRepo } from "../helpers/git.js";

const FAKE_RALPHY = fileURLToPath(new URL("../fixtures/fake-ralphy.sh", import.meta.url));

/** A PATH where `ralphy` is the fake and `claude` exists (ralphy --claude checks for it). */
function fakeBin(root: string): string {
  const bin = join(root, "bin");
  mkdirSync(bin);
  symlinkSync(FAKE_RALPHY, join(bin, "ralphy"));
  writeFileSync(join(bin, "claude"), '#!/bin/sh\necho "2.1.331 (Claude Code)"\n');
  chmodSync(join(bin, "claude"), 0o755);
  writeFileSync(
    join(bin, "notify-rec"),
    `#!/bin/sh\nprintf '%s\\n' "$AGENTMUX_SUMMARY" >> '${join(root, "notified")}'\n`,
  );
  chmodSync(join(bin, "notify-rec"), 0o755);
  return bin;
}

describe("supervising ralphy: which ticked boxes have commits behind them", () => {
  it("reports ticks without commits in status, verify and the notification", async () => {
    const w = new World();
    const repo = tempRepo();
    writeFileSync(
      join(repo, "PRD.md"),
      "# Plan\n- [x] set up the repo\n- [ ] parse the config file\n- [ ] render the report\n- [ ] send the email\n",
    );
    git(repo, "add", "PRD.md");
    git(repo, "commit", "-qm", "plan");
    const notified = join(w.root, "notified");
    const env = {
      PATH: `${fakeBin(w.root)}:${process.env.PATH ?? ""}`,
      IS_SANDBOX: "1",
      FAKE_RALPHY_WORK: "2",
    };
    const r = await w.cli(
      [
        "run",
        "ralphy",
        "--claude",
        "--prd",
        "PRD.md",
        "--name",
        "r",
        "--cwd",
        repo,
        "--notify-cmd",
        "notify-rec",
      ],
      { env },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = await w.waitEnded("r");
    expect(s.state).toBe("succeeded");
    expect(s.verdict).toBe("unverified");
    const prd = (
      s.evidence as unknown as {
        prd: { ticks: { text: string; backed: boolean }[]; unbacked: string[] };
      }
    ).prd;
    expect(prd.ticks).toEqual([
      expect.objectContaining({ text: "parse the config file", backed: false }),
      expect.objectContaining({ text: "render the report", backed: true }),
      expect.objectContaining({ text: "send the email", backed: false }),
    ]);
    const v = await w.cli(["verify", "r"], { env });
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('ticked "send the email": NO COMMIT behind it');
    expect(v.stdout).toMatch(/ticked "render the report": commit [0-9a-f]{8}/);
    await waitFor("the notification", () => existsSync(notified));
    expect(readFileSync(notified, "utf8")).toContain(
      'unverified · 2 boxes ticked without a commit: "parse the config file", "send the email"',
    );
  });
});

describe("supervising ralphy: a commit backs one item, not every look-alike", () => {
  it.each([
    {
      name: "login/logout, work behind login only",
      items: ["Add login endpoint", "Add logout endpoint"],
      work: "1",
      backed: [true, false],
      verdict: "unverified",
    },
    {
      name: "three look-alikes, work behind the second only",
      items: ["Add user create endpoint", "Add user delete endpoint", "Add user update endpoint"],
      work: "2",
      backed: [false, true, false],
      verdict: "unverified",
    },
    {
      name: "login/logout, work behind both (honest)",
      items: ["Add login endpoint", "Add logout endpoint"],
      work: "1,2",
      backed: [true, true],
      verdict: "verified",
    },
  ])("$name -> $verdict", async ({ items, work, backed, verdict }) => {
    const w = new World();
    const repo = tempRepo();
    writeFileSync(join(repo, "PRD.md"), `# Plan\n${items.map((i) => `- [ ] ${i}\n`).join("")}`);
    git(repo, "add", "PRD.md");
    git(repo, "commit", "-qm", "plan");
    const env = {
      PATH: `${fakeBin(w.root)}:${process.env.PATH ?? ""}`,
      IS_SANDBOX: "1",
      FAKE_RALPHY_WORK: work,
    };
    const r = await w.cli(
      ["run", "ralphy", "--claude", "--prd", "PRD.md", "--name", "r", "--cwd", repo, "--no-notify"],
      { env },
    );
    expect(r.stderr).toBe("");
    const s = await w.waitEnded("r");
    expect(s.verdict).toBe(verdict);
    const prd = (s.evidence as unknown as { prd: { ticks: { backed: boolean; why?: string }[] } })
      .prd;
    expect(prd.ticks.map((t) => t.backed)).toEqual(backed);
    for (const t of prd.ticks) if (!t.backed) expect(t.why).toMatch(/another item/);
  });
});

describe("supervising ralphy: work that only looks like work", () => {
  it.each([
    { mode: "uncommitted", verdict: "unverified", backed: [false, false] },
    { mode: "empty", verdict: "unverified", backed: [false, false] },
    { mode: "branch", verdict: "unverified", backed: [false, false] },
    { mode: "amend", verdict: "history-rewritten", backed: [true, false] },
    { mode: "cut", verdict: "unverified", backed: [true] },
  ])("$mode -> $verdict", async ({ mode, verdict, backed }) => {
    const w = new World();
    const repo = tempRepo();
    writeFileSync(
      join(repo, "PRD.md"),
      "# Plan\n- [ ] parse the config file\n- [ ] send the email\n",
    );
    git(repo, "add", "PRD.md");
    git(repo, "commit", "-qm", "plan");
    const env = {
      PATH: `${fakeBin(w.root)}:${process.env.PATH ?? ""}`,
      IS_SANDBOX: "1",
      FAKE_RALPHY_WORK: mode === "amend" || mode === "cut" ? "1" : "1,2",
      FAKE_RALPHY_MODE: mode,
    };
    const r = await w.cli(
      ["run", "ralphy", "--claude", "--prd", "PRD.md", "--name", "r", "--cwd", repo, "--no-notify"],
      { env },
    );
    expect(r.stderr).toBe("");
    const s = await w.waitEnded("r");
    expect(s.verdict).toBe(verdict);
    const prd = (s.evidence as unknown as { prd: { ticks: { backed: boolean }[] } }).prd;
    expect(prd.ticks.map((t) => t.backed)).toEqual(backed);
    const v = await w.cli(["verify", "r"], { env });
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(new RegExp(`^r: ${verdict}`));
  });
});
