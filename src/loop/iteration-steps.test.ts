import { describe, expect, it } from "vitest";
import { parseChecklist, type Checklist } from "../prd/checklist.js";
import type { AgentRun } from "./iteration-agent.js";
import { agentLimitMs, whyStopped } from "./iteration-agent.js";
import {
  decide,
  tamperedReason,
  tickChanges,
  worthChecking,
  type Checked,
  type Findings,
} from "./iteration-judge.js";
import { boxesAfter, recordedReason } from "./iteration-record.js";
import type { GuardFindings } from "./guard.js";
import type { LoopRuntime } from "./runtime.js";

const prd = (...lines: string[]): Checklist => parseChecklist(`# Plan\n\n${lines.join("\n")}\n`);
const keyOf = (list: Checklist, text: string): string => {
  const item = list.items.find((i) => i.text === text);
  if (!item) throw new Error(`no item ${text}`);
  return item.key;
};

describe("agentLimitMs: the iteration's limit, cut short by the loop's deadline", () => {
  it.each<[string, number, number | null, number, number]>([
    ["no loop deadline", 60_000, null, 1_000, 60_000],
    ["the deadline is later than the limit", 60_000, 500_000, 1_000, 60_000],
    ["the deadline comes first", 60_000, 31_000, 1_000, 30_000],
    ["the deadline has passed", 60_000, 500, 1_000, 0],
  ])("%s", (_name, timeoutMs, deadline, now, want) => {
    expect(agentLimitMs(timeoutMs, deadline, now)).toBe(want);
  });
});

describe("whyStopped: the item's time limit fails the item, the loop's own ends it", () => {
  it.each<["timeout" | "stop", number | null, number, boolean, boolean, string]>([
    ["timeout", null, 10_000, true, false, "the item's limit, no loop deadline"],
    ["timeout", 100_000, 10_000, true, false, "the item's limit, the loop's far off"],
    ["timeout", 10_000, 10_000, false, true, "the loop's deadline is the limit"],
    ["timeout", 10_040, 10_000, false, true, "the loop's deadline within the slack"],
    ["stop", null, 10_000, false, true, "a stop of the loop"],
    ["stop", 100_000, 10_000, false, true, "a stop before any deadline"],
  ])("%s, deadline %s at %s", (first, deadline, now, timedOut, interrupted) => {
    expect(whyStopped(first, deadline, now)).toStrictEqual({ timedOut, interrupted });
  });
});

describe("tickChanges: which boxes the agent moved", () => {
  const before = prd("- [ ] Login form", "- [ ] Docs", "- [ ] Tests");
  const item = keyOf(before, "Login form");
  it.each<[string, Checklist | null, Checklist | null, boolean, string[], string[]]>([
    ["nothing moved", before, before, false, [], []],
    ["its own box", before, prd("- [x] Login form", "- [ ] Docs", "- [ ] Tests"), true, [], []],
    [
      "another item's box",
      before,
      prd("- [ ] Login form", "- [x] Docs", "- [ ] Tests"),
      false,
      ["Docs"],
      [],
    ],
    ["an item deleted", before, prd("- [ ] Login form", "- [ ] Docs"), false, [], ["Tests"]],
    [
      "an item reworded, and its own ticked",
      before,
      prd("- [x] Login form", "- [ ] Docs", "- [ ] Tests, later"),
      true,
      [],
      ["Tests"],
    ],
    ["the PRD unreadable after", before, null, false, [], []],
    ["the PRD unreadable before", null, before, false, [], []],
  ])("%s", (_name, b, a, tickedOwn, others, removed) => {
    const got = tickChanges(b, a, item);
    expect(got.tickedOwn).toBe(tickedOwn);
    expect(got.tickedOthers.map((i) => i.text)).toStrictEqual(others);
    expect(got.removed).toStrictEqual(removed);
  });
});

const clean: AgentRun = {
  exit: { exitCode: 0, signal: null },
  timedOut: false,
  interrupted: false,
  durationMs: 1_000,
  argv: ["codex"],
};
const untouched: GuardFindings = { rewritten: null, tampered: null };

describe("worthChecking: only a clean exit with work, nothing gamed, goes to the check", () => {
  it.each<[string, Partial<AgentRun>, number, Partial<GuardFindings>, boolean]>([
    ["clean, one work commit", {}, 1, {}, true],
    ["no work commit", {}, 0, {}, false],
    ["exit 1", { exit: { exitCode: 1, signal: null } }, 1, {}, false],
    ["killed by a signal", { exit: { exitCode: null, signal: "SIGKILL" } }, 1, {}, false],
    ["timed out", { timedOut: true }, 1, {}, false],
    ["interrupted", { interrupted: true }, 1, {}, false],
    ["history rewritten", {}, 1, { rewritten: "history was rewritten" }, false],
    ["the check's files changed", {}, 1, { tampered: "check.sh changed" }, false],
  ])("%s", (_name, ran, commits, guard, want) => {
    expect(worthChecking({ ...clean, ...ran }, commits, { ...untouched, ...guard })).toBe(want);
  });
});

describe("tamperedReason: the most direct reason wins", () => {
  it.each<[string | null, string | null, string[], string | null]>([
    [null, null, [], null],
    ["check.sh changed", "tests fell", ["A"], "check.sh changed"],
    [null, "tests fell", ["A"], "tests fell"],
    [null, null, ["A", "B"], 'the PRD lost 2 item(s) while the agent worked ("A", "B")'],
  ])("guard %s, fall %s, removed %j", (guard, fell, removed, want) => {
    expect(tamperedReason(guard, fell, removed)).toBe(want);
  });
});

describe("boxesAfter: other items' ticks undone, this item's box follows the decision", () => {
  const after = Buffer.from("- [x] Login form\n- [x] Docs\n- [ ] Tests\n");
  const list = parseChecklist(after);
  const login = keyOf(list, "Login form");
  const docs = { key: keyOf(list, "Docs") };
  const tests = keyOf(list, "Tests");
  it.each<[string, string, { key: string }[], boolean | null, boolean, string]>([
    [
      "untick others, leave its own",
      login,
      [docs],
      null,
      true,
      "- [x] Login form\n- [ ] Docs\n- [ ] Tests\n",
    ],
    [
      "untick its own (not verified)",
      login,
      [],
      false,
      true,
      "- [ ] Login form\n- [x] Docs\n- [ ] Tests\n",
    ],
    [
      "tick its own where done items are ticked",
      tests,
      [],
      true,
      true,
      "- [x] Login form\n- [x] Docs\n- [x] Tests\n",
    ],
    ["no tick in a worktree (after the merge)", tests, [], true, false, after.toString()],
    [
      "an untick happens in a worktree too",
      login,
      [docs],
      false,
      false,
      "- [ ] Login form\n- [ ] Docs\n- [ ] Tests\n",
    ],
  ])("%s", (_name, key, others, box, tickDone, want) => {
    expect(boxesAfter(after, key, others, box, tickDone).toString()).toBe(want);
  });
});

describe("recordedReason: undone ticks are named", () => {
  it.each<[string, string[], string]>([
    ["1 commit, check passed", [], "1 commit, check passed"],
    ["no commits", ["Docs"], 'no commits; it also ticked 1 other item(s) ("Docs"), unticked'],
    ["x", ["A", "B"], 'x; it also ticked 2 other item(s) ("A", "B"), unticked'],
  ])("%s + %j", (reason, others, want) => {
    expect(
      recordedReason(
        reason,
        others.map((text) => ({ text })),
      ),
    ).toBe(want);
  });
});

describe("decide: the judge's findings reach decideIteration", () => {
  const found = (patch: Partial<Findings> = {}): Findings => ({
    evidence: {
      startCommit: "a",
      endCommit: "b",
      commits: [],
      workCommits: 1,
      files: ["src/x.ts"],
      uncommitted: [],
    },
    after: null,
    diagnosis: null,
    tickedOwn: true,
    tickedOthers: [],
    removed: [],
    ...patch,
  });
  const passed = (testsRan: number): Checked => ({
    guard: untouched,
    check: {
      command: "npm test",
      passed: true,
      exitCode: 0,
      testsRan,
      timedOut: false,
      durationMs: 10,
      summary: `passed (${testsRan} tests)`,
      tail: "",
    },
  });
  const rt = (lastTestCount: number | null) =>
    ({
      settings: { check: "npm test" },
      guard: { base: "a", paths: [], scripts: [], lastTestCount },
    }) as unknown as Pick<LoopRuntime, "guard" | "settings">;

  it.each<[string, ReturnType<typeof rt>, Findings, Checked, string]>([
    ["honest work", rt(40), found(), passed(40), "done"],
    ["the tests fell sharply", rt(40), found(), passed(1), "tampered"],
    [
      "items vanished from the PRD",
      rt(null),
      found({ removed: ["Tests"] }),
      passed(40),
      "tampered",
    ],
    [
      "history rewritten",
      rt(null),
      found(),
      { guard: { rewritten: "reset", tampered: null }, check: null },
      "history-rewritten",
    ],
  ])("%s", (_name, runtime, f, checked, outcome) => {
    expect(decide(runtime, clean, f, checked).outcome).toBe(outcome);
  });
});
