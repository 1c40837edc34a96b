import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { isRunning } from "../../src/process/pids.js";
import { FAKE_AGENT, World, waitFor, type Status } from "../helpers/cli.js";
import { git, tempRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";

interface LoopItem {
  text: string;
  state: string;
  attempts: number;
  commits: number;
  checkPassed: boolean | null;
  reason: string | null;
}
interface LoopStatusJson extends Status {
  loop: {
    total: number;
    done: number;
    failed: number;
    pending: number;
    iteration: number;
    currentItem: string | null;
    items: LoopItem[];
  };
}

const CHECKS = {
  pass: "echo '# tests 2'",
  fail: "echo '# tests 2'; echo '1 failing'; exit 1",
  zero: "echo '# tests 0'",
} as const;

/** A repo with a PRD and a notification recorder; returns what the scenario needs. */
function setup(items: string[]): { w: World; repo: string; notes: string; recorder: string } {
  const w = new World();
  const repo = tempRepo();
  writeFileSync(join(repo, "PRD.md"), `# PRD\n\n${items.map((i) => `- [ ] ${i}`).join("\n")}\n`);
  git(repo, "add", "PRD.md");
  git(repo, "commit", "-q", "-m", "PRD");
  const notes = join(w.root, "notified.txt");
  const recorder = join(w.root, "record.sh");
  writeFileSync(recorder, `#!/bin/sh\nprintf '%s\\n' "$AGENTMUX_SUMMARY" >> "$1"\n`, {
    mode: 0o755,
  });
  return { w, repo, notes, recorder };
}

async function loop(
  s: ReturnType<typeof setup>,
  name: string,
  options: string[],
  steps: string[],
): Promise<LoopStatusJson> {
  const r = await s.w.cli([
    "loop",
    "--agent",
    "cmd",
    "--name",
    name,
    "--cwd",
    s.repo,
    "--notify-cmd",
    `${s.recorder} ${s.notes}`,
    ...options,
    "--",
    FAKE_AGENT,
    ...steps,
  ]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  await s.w.waitEnded(name, 45_000);
  await waitFor("the notification", () => existsSync(s.notes));
  return s.w.json<LoopStatusJson>(["status", name]);
}

const prd = (repo: string): string => readFileSync(join(repo, "PRD.md"), "utf8");

describe("agentmux loop: the scenario corpus (one item, fake agent)", () => {
  it("honest work: committed, check passes -> done, box ticked, exit 0; item and prompt in env/stdin", async () => {
    const s = setup(["Add the parser"]);
    const out = tempDir();
    const st = await loop(
      s,
      "honest",
      ["--check", CHECKS.pass],
      [
        `env:AGENTMUX_ITEM=${out}/item`,
        `stdin:${out}/stdin`,
        `env:AGENTMUX_PROMPT_FILE=${out}/promptfile`,
        "write:parser.txt=parser",
        "commit:Add the parser",
      ],
    );
    expect(st.state).toBe("succeeded");
    expect(st.exitCode).toBe(0);
    expect(st.loop).toMatchObject({ total: 1, done: 1, failed: 0, pending: 0, iteration: 1 });
    expect(st.loop.items[0]).toMatchObject({
      text: "Add the parser",
      state: "done",
      attempts: 1,
      commits: 1,
      checkPassed: true,
    });
    expect(prd(s.repo)).toContain("- [x] Add the parser");
    expect(readFileSync(join(out, "item"), "utf8")).toBe("Add the parser");
    const prompt = readFileSync(join(out, "stdin"), "utf8");
    expect(prompt).toContain("Add the parser");
    expect(readFileSync(readFileSync(join(out, "promptfile"), "utf8"), "utf8")).toBe(prompt);
    expect(readFileSync(s.notes, "utf8")).toContain("1/1 item done");
  });

  it.each([
    {
      name: "ticks-only",
      check: CHECKS.pass,
      steps: ["tick:Add the parser"],
      item: { state: "unverified", commits: 0 },
      reason: /ticked its box without a commit/,
    },
    {
      name: "check-fails",
      check: CHECKS.fail,
      steps: ["write:p.txt=x", "commit:Add the parser"],
      item: { state: "failed", commits: 1, checkPassed: false },
      reason: /the check failed/,
    },
    {
      name: "zero-tests",
      check: CHECKS.zero,
      steps: ["write:p.txt=x", "commit:Add the parser"],
      item: { state: "failed", commits: 1, checkPassed: false },
      reason: /ran no tests/,
    },
    {
      name: "no-progress",
      check: CHECKS.pass,
      steps: ["print:looked around"],
      item: { state: "failed", commits: 0, checkPassed: null },
      reason: /without changing anything/,
    },
    {
      name: "uncommitted",
      check: CHECKS.pass,
      steps: ["write:half.txt=half done"],
      item: { state: "failed", commits: 0 },
      reason: /1 uncommitted file left \(half\.txt\), not committed by agentmux/,
    },
    {
      name: "sigkill",
      check: CHECKS.pass,
      steps: ["write:p.txt=x", "signal:KILL"],
      item: { state: "failed", commits: 0 },
      reason: /killed by SIGKILL/,
    },
  ])("$name -> $item.state", async ({ name, check, steps, item, reason }) => {
    const s = setup(["Add the parser"]);
    const head = git(s.repo, "rev-parse", "HEAD");
    const st = await loop(s, name, ["--check", check, "--attempts", "1"], steps);
    expect(st.state).toBe("failed");
    expect(st.exitCode).not.toBe(0);
    expect(st.loop).toMatchObject({ total: 1, done: 0, failed: 1, iteration: 1 });
    expect(st.loop.items[0]).toMatchObject({ attempts: 1, ...item });
    expect(st.loop.items[0]?.reason).toMatch(reason);
    // Never ticked, and agentmux committed nothing for the agent.
    expect(prd(s.repo)).toContain("- [ ] Add the parser");
    if (item.commits === 0) expect(git(s.repo, "rev-parse", "HEAD")).toBe(head);
    const note = readFileSync(s.notes, "utf8");
    expect(note).toContain("0/1 item done");
    expect(note).toContain(`"Add the parser" ${item.state}`);
  });

  it("hang: the iteration's time limit stops the agent -> timeout, failed", async () => {
    const s = setup(["Add the parser"]);
    const pidfile = join(tempDir(), "pid");
    const st = await loop(
      s,
      "hang",
      ["--attempts", "1", "--iteration-timeout", "1s"],
      [`pidfile:${pidfile}`, "ignore-term", "hang"],
    );
    expect(st.loop.items[0]).toMatchObject({ state: "failed", attempts: 1 });
    expect(st.loop.items[0]?.reason).toMatch(/timed out/);
    const pid = Number(readFileSync(pidfile, "utf8"));
    expect(isRunning(pid, null)).toBe(false);
  });

  it("rate limit with a reset time: waits, retries the same item, no attempt used", async () => {
    const s = setup(["Add the parser"]);
    const mark = join(tempDir(), "limited-once");
    const st = await loop(
      s,
      "ratelimit",
      ["--check", CHECKS.pass, "--attempts", "1"],
      [
        `once:${mark}`,
        "print:Rate limit reached for requests. Please try again in 1s.",
        "exit:1",
        "end-once",
        "write:p.txt=x",
        "commit:Add the parser",
      ],
    );
    expect(st.state).toBe("succeeded");
    expect(st.loop).toMatchObject({ done: 1, iteration: 2 });
    expect(st.loop.items[0]).toMatchObject({ state: "done", attempts: 1 });
    const log = readFileSync(st.logPath, "utf8");
    expect(log).toMatch(/rate-limited/);
    expect(log).toMatch(/waiting/);
  });

  it("auth failure: the loop stops with the fix in the notification; later items untouched", async () => {
    const s = setup(["Add the parser", "Add the printer"]);
    const st = await loop(
      s,
      "auth",
      ["--check", CHECKS.pass],
      ["print:Incorrect API key provided: sk-test", "exit:1"],
    );
    expect(st.state).toBe("failed");
    expect(st.exitCode).toBe(4);
    expect(st.loop.iteration).toBe(1);
    expect(st.loop.items.map((i) => [i.state, i.attempts])).toEqual([
      ["pending", 0],
      ["pending", 0],
    ]);
    expect(st.diagnosis?.code).toBe("loop-auth");
    expect(st.diagnosis?.fix).toBeTruthy();
    const note = readFileSync(s.notes, "utf8");
    expect(note).toContain("could not authenticate");
    expect(note).toContain(`fix: ${st.diagnosis?.fix?.slice(0, 40) ?? ""}`);
  });

  it("ticks other items' boxes: those are unticked, its own work counts", async () => {
    const s = setup(["Add the parser", "Add the printer", "Add the docs"]);
    const st = await loop(
      s,
      "greedy",
      ["--check", CHECKS.pass, "--max-iterations", "1"],
      ["write:p.txt=x", "commit:Add the parser", "tick:Add the printer", "tick:Add the docs"],
    );
    expect(st.exitCode).toBe(5); // stopped at --max-iterations
    expect(st.loop.items.map((i) => i.state)).toEqual(["done", "pending", "pending"]);
    expect(st.loop.items[0]?.reason).toMatch(/ticked 2 other item/);
    expect(prd(s.repo)).toBe(
      "# PRD\n\n- [x] Add the parser\n- [ ] Add the printer\n- [ ] Add the docs\n",
    );
  });

  it("the circuit opens after 3 iterations without progress: one notification naming the item", async () => {
    const s = setup(["Add the parser", "Add the printer"]);
    const st = await loop(s, "stuck", ["--attempts", "5"], ["print:nothing to do"]);
    expect(st.exitCode).toBe(3);
    expect(st.loop.iteration).toBe(3);
    expect(st.loop.items[0]).toMatchObject({ state: "failed", attempts: 3 });
    const notes = readFileSync(s.notes, "utf8").trim().split("\n");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/paused: 3 iterations in a row made no progress.*"Add the parser"/);
  });
});

describe("agentmux loop: bad input is refused before anything is recorded", () => {
  it.each([
    ["missing PRD", ["--prd", "NOPE.md"], /does not exist/],
    ["PRD without items", ["--prd", "EMPTY.md"], /has no checklist items/],
    ["PRD outside the tree", ["--prd", "OUTSIDE"], /outside the working tree/],
    ["bad duration", ["--timeout", "soon"], /expected a duration/],
    ["bad start spacing", ["--start-spacing", "2 parsecs"], /--start-spacing: expected a duration/],
    ["unknown agent", ["--agent", "ralphy"], /Expected --agent of/],
  ])("%s", async (_name, args, message) => {
    const s = setup(["Add the parser"]);
    writeFileSync(join(s.repo, "EMPTY.md"), "# nothing to do\n");
    const outside = join(tempDir(), "PRD.md");
    writeFileSync(outside, "- [ ] elsewhere\n");
    const argv = args.map((a) => (a === "OUTSIDE" ? outside : a));
    const r = await s.w.cli(["loop", "--agent", "demo", "--cwd", s.repo, ...argv]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    const ls = await s.w.json<unknown[]>(["ls"]);
    expect(ls).toEqual([]);
  });
});

describe("agentmux loop: kill -9 and restart", () => {
  it("resumes: no done item redone, no iteration counted twice, no second agent in the tree", async () => {
    const s = setup(["First item", "Second item", "Third item"]);
    const marks = tempDir();
    const agent = join(s.w.root, "agent.sh");
    // Hangs on the second item the first time; records every start and any overlap.
    writeFileSync(
      agent,
      `#!/bin/sh
cat > /dev/null
# A zombie (ended, not yet reaped by init) is not working in the tree.
if [ -e "$MARKS/pid" ]; then
  st=$(awk '{print $3}' "/proc/$(cat "$MARKS/pid")/stat" 2>/dev/null)
  if [ -n "$st" ] && [ "$st" != Z ]; then echo overlap >> "$MARKS/overlap"; fi
fi
echo $$ > "$MARKS/pid"
echo "$AGENTMUX_ITEM" >> "$MARKS/started"
case "$AGENTMUX_ITEM" in
  Second*) if [ ! -e "$MARKS/hung" ]; then : > "$MARKS/hung"; while :; do sleep 1; done; fi ;;
esac
echo "$AGENTMUX_ITEM" > "work-$(echo "$AGENTMUX_ITEM" | tr ' ' _).txt"
git add -A && git commit -q -m "$AGENTMUX_ITEM"
`,
      { mode: 0o755 },
    );
    mkdirSync(marks, { recursive: true });
    const r = await s.w.cli([
      "loop",
      "--agent",
      "cmd",
      "--name",
      "resume",
      "--cwd",
      s.repo,
      "--env",
      `MARKS=${marks}`,
      "--",
      agent,
    ]);
    expect(r.code).toBe(0);
    await waitFor("the hung second item", () => existsSync(join(marks, "hung")), 60_000);
    const hungPid = Number(readFileSync(join(marks, "pid"), "utf8"));
    // It lives in its own session, out of tmux's reach: if an assertion below
    // fails before the restart ends it, end it here (its group, by pid).
    onTestFinished(() => {
      if (isRunning(hungPid, null)) process.kill(-hungPid, "SIGKILL");
    });
    const before = await s.w.json<LoopStatusJson>(["status", "resume"]);
    expect(before.loop.items.map((i) => i.state)).toEqual(["done", "running", "pending"]);
    // The supervisor and the driver die without a word; the agent (own group) lives on.
    // The driver must die first: once the supervisor (the pane's session
    // leader) dies, the hangup reaches the driver, which would stop its agent.
    // The supervisor may record the driver's death before its own SIGKILL
    // lands (a SIGSTOP would not stop it: tmux continues stopped panes), so
    // the run ends lost or failed; either way the loop must resume.
    process.kill(before.agentPid ?? 0, "SIGKILL");
    process.kill(before.pid ?? 0, "SIGKILL");
    await s.w.waitStatus("resume", (x) => x.state === "lost" || x.state === "failed");
    // Settling the run ended everything it started, the orphaned agent too
    // (docs/processes.md): a restart never finds a second agent in the tree.
    await waitFor("the orphaned agent to be ended", () => !isRunning(hungPid, null), 10_000);

    const rr = await s.w.cli(["restart", "resume"]);
    expect(rr.stderr).toBe("");
    const st = await s.w.waitStatus(
      "resume",
      (x) => x.state !== "running" && x.state !== "starting" && x.endedAt !== null,
      45_000,
    );
    const after = await s.w.json<LoopStatusJson>(["status", "resume"]);
    expect(st.state).toBe("succeeded");
    expect(after.loop.items.map((i) => [i.state, i.attempts])).toEqual([
      ["done", 1],
      ["done", 1],
      ["done", 1],
    ]);
    // 1 done + 1 interrupted (not counted) + 2 in the second run.
    expect(after.loop.iteration).toBe(4);
    expect(readFileSync(join(marks, "started"), "utf8").trim().split("\n")).toEqual([
      "First item",
      "Second item",
      "Second item",
      "Third item",
    ]);
    expect(isRunning(hungPid, null)).toBe(false);
    expect(existsSync(join(marks, "overlap"))).toBe(false);
    expect(prd(s.repo)).toContain("- [x] First item\n- [x] Second item\n- [x] Third item");
  }, 90_000); // two runs of a loop, a kill and a restart: past 30 s on a loaded CI machine
});
