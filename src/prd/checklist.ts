/**
 * PRD checklists: parse the task-list boxes of a Markdown file, tick or untick
 * one box without changing any other byte, and compare two versions of the
 * file (to catch an agent that ticks boxes without doing the work).
 *
 * What counts as an item (a pragmatic subset of GFM task lists):
 * - A list item `-`, `*`, `+`, `1.` or `1)` (any indentation, spaces or
 *   tabs) whose content starts with `[ ]`, `[x]` or `[X]`, followed by a space,
 *   a tab or the end of the line. `[\t]` and other box characters (`[-]`,
 *   `[/]`, `[2026-01-29]`) are not boxes; nor are `-[ ]`, `- [x](url)`,
 *   `- \[ ]`, boxes in the middle of a line, in a table or in a blockquote.
 * - The item must have text: `- [ ]` with nothing (or only whitespace) after
 *   it is not an item. A loop cannot hand a blank task to an agent, and blank
 *   items would all share one key.
 * - Fenced code blocks (``` or ~~~, 3 or more, any indentation, info strings,
 *   closed by a fence of the same character at least as long) and HTML comment
 *   blocks (a line starting with `<!--`, through the line containing `-->`) hide
 *   their boxes. Unclosed ones run to the end of the file, as Markdown renders
 *   them. An unclosed `<!--` inside a line's text does not hide later lines
 *   (CommonMark does not either).
 * - Indented code blocks are not recognised: 4-space indentation is how nested
 *   items are written.
 * - Only the item's first line is its text; continuation lines are ignored.
 *
 * Identity: an item's key is its normalized text (NFC, whitespace runs to one
 * space) plus `#n`, its 1-based occurrence among items with the same
 * normalized text. Lines added or removed elsewhere do not change keys;
 * editing an item's text does (diffTicks then reports it removed and added),
 * and so does inserting another item with the same text above it.
 */
import { AgentmuxError, show } from "../util/errors.js";
import { scanBoxes } from "./checklist-scan.js";

export interface ChecklistItem {
  /** Position among items, 0-based. */
  index: number;
  /** Item text without the box, trimmed, inline markdown kept (first line only). */
  text: string;
  checked: boolean;
  /** Nesting level from indentation: 0 for top-level items. */
  depth: number;
  /** 0-based line number; informational only (use `key` to find an item again). */
  line: number;
  /** Byte offset of the box character (between the brackets) in the file. */
  boxOffset: number;
  /** Stable identity: normalized text + "#" + 1-based occurrence. */
  key: string;
}

export interface Checklist {
  items: ChecklistItem[];
  /** The first line ending in the file ("\n" when there is none). */
  eol: "\n" | "\r\n";
  /** Whether the file starts with a UTF-8 byte order mark. */
  bom: boolean;
}

export interface TickDiff {
  /** Unchecked before, checked after (items as they are after). */
  ticked: ChecklistItem[];
  /** Checked before, unchecked after (items as they are after). */
  unticked: ChecklistItem[];
  /** Keys only after (items as they are after; note which are already checked). */
  added: ChecklistItem[];
  /** Keys only before (items as they were before). */
  removed: ChecklistItem[];
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A string is taken as text and encoded as UTF-8; offsets refer to those bytes. */
export function toBytes(input: Buffer | string): Buffer {
  return typeof input === "string" ? Buffer.from(input, "utf8") : input;
}

export function parseChecklist(input: Buffer | string): Checklist {
  const bytes = toBytes(input);
  const bom = bytes.subarray(0, 3).equals(BOM);
  // latin1 maps each byte to one character, so string offsets are byte offsets.
  const src = bytes.toString("latin1");
  const nl = src.indexOf("\n");
  const eol = nl > 0 && src.charCodeAt(nl - 1) === 0x0d ? "\r\n" : "\n";

  const seen = new Map<string, number>();
  const items: ChecklistItem[] = [];
  for (const raw of scanBoxes(src, bom ? 3 : 0)) {
    const text = bytes.subarray(raw.textStart, raw.textEnd).toString("utf8").trim();
    if (text === "") continue;
    const norm = normalizeText(text);
    const n = (seen.get(norm) ?? 0) + 1;
    seen.set(norm, n);
    items.push({
      index: items.length,
      text,
      checked: raw.checked,
      depth: raw.depth,
      line: raw.line,
      boxOffset: raw.boxOffset,
      key: `${norm}#${n}`,
    });
  }
  return { items, eol, bom };
}

/** The text part of a key: NFC, whitespace runs collapsed to one space, trimmed. */
export function normalizeText(text: string): string {
  return text.normalize("NFC").replace(/\s+/gu, " ").trim();
}

export function findItem(checklist: Checklist, key: string): ChecklistItem | undefined {
  return checklist.items.find((item) => item.key === key);
}

export function summarize(checklist: Checklist): { total: number; checked: number } {
  return {
    total: checklist.items.length,
    checked: checklist.items.filter((item) => item.checked).length,
  };
}

/**
 * Set one item's box to checked (`x`) or unchecked (space) and return new
 * bytes; every other byte is unchanged. The item is looked up by key in the
 * current bytes (a ChecklistItem is used only for its key), so its position
 * from an older parse does not matter. Already in that state: an unchanged copy
 * (an existing `X` stays `X`).
 */
export function tick(
  input: Buffer | string,
  target: string | ChecklistItem,
  checked = true,
): Buffer {
  const bytes = toBytes(input);
  const key = typeof target === "string" ? target : target.key;
  const item = findItem(parseChecklist(bytes), key);
  if (item === undefined) {
    throw new AgentmuxError("prd", `No checklist item with key ${show(key)} in the PRD`, {
      hint: "The item's text may have been edited, removed or duplicated since it was read; re-read the PRD and pick the item again.",
    });
  }
  const out = Buffer.from(bytes);
  if (item.checked !== checked) out[item.boxOffset] = checked ? 0x78 /* x */ : 0x20;
  return out;
}

/** Which boxes changed between two versions of the same PRD, matched by key. */
export function diffTicks(before: Checklist, after: Checklist): TickDiff {
  const old = new Map(before.items.map((item) => [item.key, item]));
  const keysAfter = new Set(after.items.map((item) => item.key));
  const diff: TickDiff = { ticked: [], unticked: [], added: [], removed: [] };
  for (const item of after.items) {
    const prev = old.get(item.key);
    if (prev === undefined) diff.added.push(item);
    else if (!prev.checked && item.checked) diff.ticked.push(item);
    else if (prev.checked && !item.checked) diff.unticked.push(item);
  }
  diff.removed = before.items.filter((item) => !keysAfter.has(item.key));
  return diff;
}
