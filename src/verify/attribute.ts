/**
 * Which commit backs which ticked PRD item. Pure: items and commits in,
 * credits out.
 *
 * Items in one PRD share most of their words ("Add login endpoint", "Add
 * logout endpoint"), so a commit that shares words with an item proves
 * little. A commit is credited to an item only when it tells that item
 * apart from every sibling in the PRD:
 *
 * - it is about the item: half or more of the item's words are in the
 *   commit's subject or the names of the files it touched;
 * - and against each sibling it carries a word only the item has ("login"
 *   against "logout"), or, when the item's words are all in the sibling
 *   too ("Add parser" against "Add tests for parser"), none of the words
 *   only the sibling has.
 *
 * A commit that tells several items apart this way ("Add login and logout
 * endpoints") backs each of them; that is a commit that plainly names
 * several. A commit that is about a ticked item but tells it from no
 * sibling ("Add endpoint") is ambiguous: it backs nothing, and the ticks it
 * could have been for say so. Work commits about no item at all ("wip")
 * back the remaining ticks one each, in the order of the work and the PRD
 * (runners like ralphy work items one at a time, one commit each, and the
 * agent's message need not name the item).
 */
export interface AttributeCommit {
  sha: string;
  subject: string;
  files: readonly string[];
}

export interface AttributeItem {
  key: string;
  text: string;
}

export interface Credit {
  /** Commits credited to the item (sha), oldest first. */
  commits: string[];
  /** "named": a commit tells this item apart; "order": a commit about no item, by order; null: none. */
  how: "named" | "order" | null;
  /** Why a tick is unbacked (null when backed). */
  why: string | null;
}

const STOP = new Set([
  "the",
  "and",
  "for",
  "with",
  "that",
  "this",
  "from",
  "into",
  "add",
  "use",
  "an",
  "to",
  "of",
  "in",
  "on",
  "a",
  "feat",
  "fix",
  "chore",
  "its",
  "it",
  "is",
  "be",
  "by",
  "or",
  "as",
  "at",
]);

/**
 * Light stemming, enough to compare words, not to read them: "endpoints" and
 * "endpoint", "tests" and "test", "parsing", "parsed" and "parse" meet.
 */
function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  return w.length > 3 && w.endsWith("e") ? w.slice(0, -1) : w;
}

/**
 * Significant words: letters of two or more, or any number (item 1 against
 * item 2). Stop words are dropped unless nothing else is left.
 */
export function wordsOf(text: string): Set<string> {
  const all = (text.toLowerCase().match(/\p{L}{2,}|\p{N}+/gu) ?? []).map(stem);
  const significant = all.filter((w) => !STOP.has(w));
  return new Set(significant.length > 0 ? significant : all);
}

/** What a commit says about itself: its subject's words and the words of its files' names. */
function commitWords(c: AttributeCommit): Set<string> {
  const words = wordsOf(c.subject);
  for (const f of c.files) {
    const base = f.split("/").pop() ?? f;
    const name = base.includes(".") ? base.slice(0, base.lastIndexOf(".")) : base;
    // File names are split on case changes too: loginForm.tsx, LogoutButton.tsx.
    for (const w of wordsOf(name.replace(/([a-z])([A-Z])/g, "$1 $2"))) words.add(w);
  }
  return words;
}

const minus = (a: ReadonlySet<string>, b: ReadonlySet<string>): string[] =>
  [...a].filter((w) => !b.has(w));

/** Half or more of the item's words are in what the commit says. */
function about(item: ReadonlySet<string>, said: ReadonlySet<string>): boolean {
  if (item.size === 0) return false;
  const hits = [...item].filter((w) => said.has(w)).length;
  return hits * 2 >= item.size;
}

/** The commit tells `item` apart from `sibling`. */
function tellsApart(
  item: ReadonlySet<string>,
  sibling: ReadonlySet<string>,
  said: ReadonlySet<string>,
): boolean {
  const own = minus(item, sibling);
  const theirs = minus(sibling, item);
  if (own.length > 0) return own.some((w) => said.has(w));
  // Every word of the item is in the sibling: the commit is this item's only
  // if it says none of what the sibling adds. Identical word sets: never.
  return theirs.length > 0 && !theirs.some((w) => said.has(w));
}

/** Which items a commit names distinctly, and which it is about without telling them apart. */
export function namedBy(
  c: AttributeCommit,
  items: readonly AttributeItem[],
): { named: string[]; about: string[] } {
  const said = commitWords(c);
  const words = new Map(items.map((i) => [i.key, wordsOf(i.text)]));
  const named: string[] = [];
  const related: string[] = [];
  for (const item of items) {
    const mine = words.get(item.key) ?? new Set<string>();
    if (!about(mine, said)) continue;
    related.push(item.key);
    const apart = items.every(
      (s) => s.key === item.key || tellsApart(mine, words.get(s.key) ?? new Set(), said),
    );
    if (apart) named.push(item.key);
  }
  return { named, about: related };
}

const short = (c: AttributeCommit): string => `${c.sha.slice(0, 8)} "${c.subject}"`;

export function attributeTicks(input: {
  /** Every item of the PRD after the run (the siblings a commit must tell apart). */
  items: readonly AttributeItem[];
  /** The items whose boxes the run ticked, in PRD order. */
  ticked: readonly AttributeItem[];
  /** Work commits, oldest first. */
  commits: readonly AttributeCommit[];
}): Map<string, Credit> {
  const tickedKeys = new Set(input.ticked.map((i) => i.key));
  // A ticked item that is also listed twice in `items` must still be compared with its siblings only once.
  const items = [...new Map([...input.items, ...input.ticked].map((i) => [i.key, i])).values()];
  const named = new Map<string, string[]>();
  const ambiguous = new Map<string, AttributeCommit[]>();
  const spare: AttributeCommit[] = [];
  for (const c of input.commits) {
    const r = namedBy(c, items);
    for (const key of r.named) {
      if (tickedKeys.has(key)) named.set(key, [...(named.get(key) ?? []), c.sha]);
    }
    if (r.about.length === 0) {
      spare.push(c);
      continue;
    }
    if (r.named.length === 0) {
      for (const key of r.about) {
        if (tickedKeys.has(key)) ambiguous.set(key, [...(ambiguous.get(key) ?? []), c]);
      }
    }
  }
  const credits = new Map<string, Credit>();
  for (const item of input.ticked) {
    const shas = named.get(item.key);
    if (shas) {
      credits.set(item.key, { commits: shas, how: "named", why: null });
      continue;
    }
    const unclear = ambiguous.get(item.key);
    if (unclear) {
      credits.set(item.key, {
        commits: [],
        how: null,
        why: `ambiguous: ${unclear.map(short).join(", ")} could be for this item or a sibling, and tells them apart by no word or file`,
      });
      continue;
    }
    const next = spare.shift();
    if (next) {
      credits.set(item.key, { commits: [next.sha], how: "order", why: null });
      continue;
    }
    credits.set(item.key, {
      commits: [],
      how: null,
      why:
        input.commits.length === 0
          ? "no work commit since the run started"
          : "no commit names it, and every work commit belongs to another item",
    });
  }
  return credits;
}
