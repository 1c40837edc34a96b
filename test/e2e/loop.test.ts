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
  // Written once the shell has opened the file: wait for the whole line, not the file.
  await waitFor(
    "the notification",
    () => existsSync(s.notes) && readFileSync(s.notes, "utf8").endsWith("\n"),
  );
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

  it("the circuit opens after 3 items in a row without progress: one notification naming the last", async () => {
    const s = setup(["Add the parser", "Add the printer", "Add the docs", "Add the site"]);
    const st = await loop(s, "stuck", ["--attempts", "2"], ["print:nothing to do"]);
    expect(st.exitCode).toBe(3);
    expect(st.loop.iteration).toBe(5);
    expect(st.loop.items.map((i) => [i.state, i.attempts])).toEqual([
      ["failed", 2],
      ["failed", 2],
      ["failed", 1],
      ["pending", 0],
    ]);
    const notes = readFileSync(s.notes, "utf8").trim().split("\n");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/paused: 3 items in a row made no progress.*"Add the docs"/);
  });

  it("--attempts 5 really allows 5, then the loop goes on to the next item", async () => {
    const s = setup(["Add the parser", "Add the printer"]);
    const st = await loop(
      s,
      "goes-on",
      ["--attempts", "5", "--check", CHECKS.pass],
      ["when-item:printer", "write:printer.txt=x", "commit:Add the printer", "end-when"],
    );
    expect(st.exitCode).toBe(1);
    expect(st.loop.items.map((i) => [i.state, i.attempts])).toEqual([
      ["failed", 5],
      ["done", 1],
    ]);
  });

  it("--stop-on-failure: the loop stops at the first item left failed", async () => {
    const s = setup(["Add the parser", "Add the printer"]);
    const st = await loop(
      s,
      "stops",
      ["--attempts", "2", "--stop-on-failure"],
      ["print:nothing to do"],
    );
    expect(st.exitCode).toBe(1);
    expect(st.loop.items.map((i) => [i.state, i.attempts])).toEqual([
      ["failed", 2],
      ["pending", 0],
    ]);
    expect(readFileSync(s.notes, "utf8")).toMatch(/--stop-on-failure/);
  });
});

/** A repo whose check counts the files in tests/ (4 at the start) with a script, check.sh. */
function setupWithCheck(items: string[]): ReturnType<typeof setup> {
  const s = setup(items);
  writeFileSync(
    join(s.repo, "check.sh"),
    '#!/bin/sh\nn=$(ls tests | wc -l)\necho "# tests $n"\n[ "$n" -gt 0 ]\n',
    { mode: 0o755 },
  );
  mkdirSync(join(s.repo, "tests"));
  for (const t of ["a", "b", "c", "d"]) writeFileSync(join(s.repo, "tests", `${t}.t`), `${t}\n`);
  git(s.repo, "add", "-A");
  git(s.repo, "commit", "-q", "-m", "check and tests");
  return s;
}

describe("agentmux loop: the adversarial corpus (work that games the evidence)", () => {
  it.each([
    {
      name: "check-rewritten",
      options: [],
      steps: [
        "write:p.txt=x",
        "write:check.sh=echo '# tests 1'",
        "commit:Add the parser",
        "tick:Add the parser",
      ],
      outcome: "tampered",
      reason: /files the check depends on changed since the loop started: check\.sh/,
    },
    {
      name: "tests-deleted-protected",
      options: ["--protect", "tests/**"],
      steps: ["write:p.txt=x", "rm:tests/b.t", "rm:tests/c.t", "commit:Add the parser"],
      outcome: "tampered",
      reason: /changed since the loop started: tests\/b\.t, tests\/c\.t/,
    },
    {
      name: "history-rewritten",
      options: [],
      steps: [
        "write:p.txt=x",
        "git:add -A",
        "git:commit -q --amend -m amended",
        "tick:Add the parser",
      ],
      outcome: "history-rewritten",
      reason: /no longer descends from the iteration's start commit/,
    },
    {
      name: "branch-left",
      options: [],
      steps: ["git:checkout -q -b side", "write:p.txt=x", "commit:Add the parser"],
      outcome: "history-rewritten",
      reason: /left branch main for side/,
    },
    {
      name: "commit-elsewhere",
      options: [],
      steps: [
        "git:checkout -q -b side",
        "write:p.txt=x",
        "commit:Add the parser",
        "git:checkout -q main",
        "tick:Add the parser",
      ],
      outcome: "unverified",
      reason: /without a commit/,
    },
    {
      name: "empty-commit",
      options: [],
      steps: ["git:commit -q --allow-empty -m parser", "tick:Add the parser"],
      outcome: "unverified",
      reason: /without a commit/,
    },
  ])("$name -> $outcome, box unticked", async ({ name, options, steps, outcome, reason }) => {
    const s = setupWithCheck(["Add the parser"]);
    const st = await loop(
      s,
      name,
      ["--check", "sh check.sh", "--attempts", "1", ...options],
      steps,
    );
    expect(st.loop.items[0]).toMatchObject({
      state: outcome === "unverified" ? "unverified" : "failed",
    });
    expect(st.loop.items[0]?.reason).toMatch(reason);
    expect(prd(s.repo)).toContain("- [ ] Add the parser");
    expect(readFileSync(st.logPath, "utf8")).toContain(`${outcome}:`);
  });

  it("tests deleted without --protect: the test count's sharp fall is tampering", async () => {
    const s = setupWithCheck(["Add the parser", "Add the printer"]);
    const st = await loop(
      s,
      "count-fell",
      ["--check", "sh check.sh", "--attempts", "1"],
      [
        "when-item:parser",
        "write:p.txt=x",
        "commit:Add the parser",
        "end-when",
        "when-item:printer",
        "write:q.txt=x",
        "rm:tests/a.t",
        "rm:tests/b.t",
        "rm:tests/c.t",
        "commit:Add the printer",
        "end-when",
      ],
    );
    expect(st.loop.items.map((i) => i.state)).toEqual(["done", "failed"]);
    expect(st.loop.items[1]?.reason).toMatch(/test count fell from 4 to 1/);
    expect(prd(s.repo)).toContain("- [ ] Add the printer");
  });

  it("a process left outside the agent's group rewrites the check while it runs -> tampered", async () => {
    const s = setupWithCheck(["Add the parser"]);
    // The check announces itself, waits (bounded) for the rewrite, then runs the script.
    const check =
      "touch .checking; i=0; while [ ! -e .rewritten ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; sh check.sh";
    const st = await loop(
      s,
      "rewrite-during",
      ["--check", check, "--attempts", "1"],
      [
        "write:p.txt=x",
        "commit:Add the parser",
        "detached-rewrite:check.sh=echo '# tests 9'",
        "tick:Add the parser",
      ],
    );
    expect(existsSync(join(s.repo, ".rewritten"))).toBe(true);
    expect(st.loop.items[0]?.state).toBe("failed");
    expect(st.loop.items[0]?.reason).toMatch(
      /while the check ran: files the check depends on changed.*check\.sh/,
    );
    expect(prd(s.repo)).toContain("- [ ] Add the parser");
  });

  it("an item deleted from the PRD by the agent: tampered, and the loop does not end done", async () => {
    const s = setupWithCheck(["Add the parser", "Add the printer"]);
    const mark = join(tempDir(), "deleted-once");
    const st = await loop(
      s,
      "prd-cut",
      ["--check", "sh check.sh", "--attempts", "2"],
      [
        `once:${mark}`,
        "write:PRD.md=# PRD\n\n- [ ] Add the parser",
        "end-once",
        "append:p.txt=x",
        "commit:Add the parser",
      ],
    );
    expect(st.exitCode).toBe(1);
    expect(st.loop.items.map((i) => i.state)).toEqual(["done"]);
    const log = readFileSync(st.logPath, "utf8");
    expect(log).toMatch(
      /tampered: the PRD lost 1 item\(s\) while the agent worked \("Add the printer"\)/,
    );
    expect(readFileSync(s.notes, "utf8")).toMatch(/"Add the printer" vanished from the PRD/);
  });

  it("the package.json script the check runs is rewritten -> tampered", async () => {
    const s = setupWithCheck(["Add the parser"]);
    writeFileSync(join(s.repo, "package.json"), '{ "scripts": { "test": "sh check.sh" } }\n');
    git(s.repo, "add", "package.json");
    git(s.repo, "commit", "-q", "-m", "scripts");
    const st = await loop(
      s,
      "script-rewritten",
      ["--check", "npm test --silent", "--attempts", "1"],
      [
        `write:package.json={ "scripts": { "test": "echo '# tests 3'" } }`,
        ...["write:p.txt=x", "commit:Add the parser", "tick:Add the parser"],
      ],
    );
    expect(st.loop.items[0]?.state).toBe("failed");
    expect(st.loop.items[0]?.reason).toMatch(
      /package\.json script\(s\) "test" the check runs were changed/,
    );
  });

  it("honest work beside a protected check is still done", async () => {
    const s = setupWithCheck(["Add the parser"]);
    const st = await loop(
      s,
      "honest-guarded",
      ["--check", "sh check.sh", "--protect", "tests/**"],
      ["write:p.txt=x", "write:tests/e.t=a new test is work", "commit:Add the parser"],
    );
    expect(st.loop.items[0]).toMatchObject({ state: "done", checkPassed: true });
    expect(prd(s.repo)).toContain("- [x] Add the parser");
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
    ["a protect glob outside the tree", ["--protect", "../x/**"], /--protect: expected a glob/],
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

describe("agentmux loop: a directory that is not a git repository is refused", () => {
  it("with the hint git init, before anything is recorded", async () => {
    const w = new World();
    const dir = tempDir();
    writeFileSync(join(dir, "PRD.md"), "- [ ] Add the parser\n");
    const r = await w.cli(["loop", "--agent", "demo", "--cwd", dir]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not inside a git repository/);
    expect(r.stderr).toMatch(/git init/);
    expect(await w.json<unknown[]>(["ls"])).toEqual([]);
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
