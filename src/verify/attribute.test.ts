import { describe, expect, it } from "vitest";
import { attributeTicks, namedBy, wordsOf } from "./attribute.js";

const items = (...texts: string[]) => texts.map((text, k) => ({ key: `k${k}`, text }));
const c = (sha: string, subject: string, files: string[] = ["src/x.ts"]) => ({
  sha,
  subject,
  files,
});

/**
 * Each row: the PRD's items, which of them were ticked (indexes), the work
 * commits (oldest first), and what each ticked item is backed by (commit
 * shas, or null for unbacked).
 */
interface Row {
  name: string;
  prd: string[];
  ticked: number[];
  commits: ReturnType<typeof c>[];
  want: (string[] | null)[];
  why?: RegExp;
}

const rows: Row[] = [
  {
    name: "login/logout: the login commit backs login only",
    prd: ["Add login endpoint", "Add logout endpoint"],
    ticked: [0, 1],
    commits: [c("a1", "Add login endpoint", ["login.js"])],
    want: [["a1"], null],
    why: /belongs to another item/,
  },
  {
    name: "login/logout: one commit each",
    prd: ["Add login endpoint", "Add logout endpoint"],
    ticked: [0, 1],
    commits: [c("a1", "Add login endpoint"), c("a2", "Add logout endpoint")],
    want: [["a1"], ["a2"]],
  },
  {
    name: "a commit that plainly names both backs both",
    prd: ["Add login endpoint", "Add logout endpoint"],
    ticked: [0, 1],
    commits: [c("a1", "Add login and logout endpoints")],
    want: [["a1"], ["a1"]],
  },
  {
    name: "ambiguous: about both, tells neither apart",
    prd: ["Add login endpoint", "Add logout endpoint"],
    ticked: [0, 1],
    commits: [c("a1", "Add endpoint", ["src/routes.ts"])],
    want: [null, null],
    why: /ambiguous: a1 "Add endpoint"/,
  },
  {
    name: "the file touched tells them apart when the subject does not",
    prd: ["Add login endpoint", "Add logout endpoint"],
    ticked: [0, 1],
    commits: [c("a1", "Add endpoint", ["src/logout.js"])],
    want: [null, ["a1"]],
  },
  {
    name: "three look-alikes, work behind one",
    prd: ["Add user create endpoint", "Add user delete endpoint", "Add user update endpoint"],
    ticked: [0, 1, 2],
    commits: [c("a1", "feat: Add user create endpoint", ["create.js"])],
    want: [["a1"], null, null],
  },
  {
    name: '"Add X" / "Add tests for X": the tests commit backs the tests item only',
    prd: ["Add the parser", "Add tests for the parser"],
    ticked: [0, 1],
    commits: [c("a1", "Add tests for the parser", ["parser.test.ts"])],
    want: [null, ["a1"]],
  },
  {
    name: '"Add X" / "Add tests for X": the plain commit backs X only',
    prd: ["Add the parser", "Add tests for the parser"],
    ticked: [0, 1],
    commits: [c("a1", "Add the parser", ["parser.ts"])],
    want: [["a1"], null],
  },
  {
    name: '"Add X" / "Add tests for X": one commit each',
    prd: ["Add the parser", "Add tests for the parser"],
    ticked: [0, 1],
    commits: [c("a1", "Add the parser", ["parser.ts"]), c("a2", "Test the parser", ["p.test.ts"])],
    want: [["a1"], ["a2"]],
  },
  {
    name: "numbered items: the number tells them apart",
    prd: ["Step 1: wire the config", "Step 2: wire the config", "Step 3: wire the config"],
    ticked: [0, 1, 2],
    commits: [c("a1", "step 2: wire the config")],
    want: [null, ["a1"], null],
  },
  {
    name: "items that differ in one word",
    prd: ["Render the monthly report", "Render the weekly report"],
    ticked: [0, 1],
    commits: [c("a1", "feat: render the weekly report")],
    want: [null, ["a1"]],
  },
  {
    name: "identical items: a commit can tell them apart by nothing",
    prd: ["Fix the flaky test", "Fix the flaky test"],
    ticked: [0, 1],
    commits: [c("a1", "Fix the flaky test")],
    want: [null, null],
    why: /ambiguous/,
  },
  {
    name: "a commit for an unticked sibling backs no tick",
    prd: ["Add login endpoint", "Add logout endpoint"],
    ticked: [0],
    commits: [c("a1", "Add logout endpoint")],
    want: [null],
  },
  {
    name: "unnamed commits back remaining ticks in order, one each",
    prd: ["Add a login page", "Write the signup form", "Send welcome emails"],
    ticked: [0, 1, 2],
    commits: [c("a1", "wip"), c("a2", "more wip")],
    want: [["a1"], ["a2"], null],
  },
  {
    name: "named first, then the unnamed by order",
    prd: ["Add a login page", "Write the signup form", "Send welcome emails"],
    ticked: [0, 1, 2],
    commits: [c("a1", "wip"), c("a2", "Send welcome emails")],
    want: [["a1"], null, ["a2"]],
  },
  {
    name: "no commits at all",
    prd: ["Add a login page"],
    ticked: [0],
    commits: [],
    want: [null],
    why: /no work commit/,
  },
  {
    name: "an agent's own wording: 'Implement config parsing' backs 'parse the config file'",
    prd: ["parse the config file", "render the report", "send the email"],
    ticked: [0, 1, 2],
    commits: [c("a1", "Implement config parsing", ["src/config.ts"])],
    want: [["a1"], null, null],
  },
  {
    name: "distinct items: the usual loose naming still works",
    prd: ["Add a login page", "Write the signup form", "Send welcome emails"],
    ticked: [1],
    commits: [c("a1", "add signup form validation")],
    want: [["a1"]],
  },
];

describe("attributeTicks: confusable PRDs", () => {
  it.each(rows)("$name", ({ prd, ticked, commits, want, why }) => {
    const all = items(...prd);
    const t = ticked.map((k) => all[k]!);
    const credits = attributeTicks({ items: all, ticked: t, commits });
    expect(
      t.map((i) => {
        const cr = credits.get(i.key)!;
        return cr.commits.length > 0 ? cr.commits : null;
      }),
    ).toEqual(want);
    for (const i of t) {
      const cr = credits.get(i.key)!;
      // A backed tick has no reason; an unbacked one always has one.
      expect(cr.why === null).toBe(cr.commits.length > 0);
    }
    if (why) expect(t.map((i) => credits.get(i.key)!.why).join(" | ")).toMatch(why);
  });
});

describe("wordsOf and namedBy", () => {
  it("keeps numbers and two-letter words, stems plurals, drops stop words", () => {
    expect([...wordsOf("Add the UI for 2 endpoints")]).toEqual(["ui", "2", "endpoint"]);
  });
  it("parse, parsing, parsed and parses meet; login and logout do not", () => {
    const stems = ["parse", "parsing", "parsed", "parses"].map((w) => [...wordsOf(w)][0]);
    expect(new Set(stems).size).toBe(1);
    expect([...wordsOf("login logout logging")]).toEqual(["login", "logout", "logg"]);
  });
  it("reads camelCase file names", () => {
    const r = namedBy(
      c("a1", "wip", ["src/LogoutButton.tsx"]),
      items("Add the logout button", "Add the login button"),
    );
    expect(r.named).toEqual(["k0"]);
  });
});
