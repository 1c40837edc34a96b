/**
 * The line scanner under the PRD checklist parser: finds task-list boxes in a
 * Markdown file and reports them as byte offsets, skipping fenced code blocks
 * and HTML comment blocks.
 *
 * It scans a latin1 decoding of the bytes, where one character is exactly one
 * byte: every character the scanner looks at is ASCII, and no byte of a UTF-8
 * multi-byte sequence is ASCII, so offsets found here are exact byte offsets
 * however much UTF-8 (or invalid UTF-8) surrounds them.
 *
 * This is a deliberately small subset of CommonMark/GFM block parsing, chosen
 * so that what the loop counts matches what GitHub renders for ordinary PRDs.
 * See docs in checklist.ts for the rules and the choices made.
 */

/** One task-list box found by the scanner; offsets index the original bytes. */
export interface RawItem {
  /** 0-based line number. */
  line: number;
  /** Nesting level: enclosing list items with smaller indentation. */
  depth: number;
  /** Offset of the character between the brackets. */
  boxOffset: number;
  /** Offsets of the item text (after the box, before the line ending), untrimmed. */
  textStart: number;
  textEnd: number;
  checked: boolean;
}

type BlockState =
  { kind: "text" } | { kind: "fence"; char: string; len: number } | { kind: "comment" };

const TAB_STOP = 4;

/** Scan `src` (latin1 view of the file) from `start` (past any BOM). */
export function scanBoxes(src: string, start: number): RawItem[] {
  const items: RawItem[] = [];
  // Indentation columns of the open list items, outermost first.
  const stack: number[] = [];
  let state: BlockState = { kind: "text" };
  let lineNo = 0;
  let pos = start;
  for (;;) {
    const nl = src.indexOf("\n", pos);
    const rawEnd = nl < 0 ? src.length : nl;
    // A CR before the LF belongs to the line ending, not the text. A lone CR
    // (classic Mac line ending) is not treated as a line break.
    const end = rawEnd > pos && src.charCodeAt(rawEnd - 1) === 0x0d ? rawEnd - 1 : rawEnd;
    state = scanLine(src, pos, end, lineNo, state, stack, items);
    if (nl < 0) break;
    pos = nl + 1;
    lineNo++;
  }
  return items;
}

function scanLine(
  src: string,
  start: number,
  end: number,
  line: number,
  state: BlockState,
  stack: number[],
  items: RawItem[],
): BlockState {
  const { col, next: first } = indentation(src, start, end);
  if (state.kind === "fence") {
    return isClosingFence(src, first, end, state) ? { kind: "text" } : state;
  }
  if (state.kind === "comment") {
    // CommonMark HTML block type 2 ends at the end of the line containing
    // "-->": the rest of that line is still part of the block.
    return lineContains(src, start, end, "-->") ? { kind: "text" } : state;
  }
  if (first === end) return state; // blank lines keep lists open

  const marker = isThematicBreak(src, first, end) ? null : listMarker(src, first, end);
  if (marker === null) {
    // A paragraph, heading, fence or comment at column 0 ends every open
    // list; indented text is a continuation and keeps them.
    if (col === 0) stack.length = 0;
    return blockOpener(src, first, end) ?? state;
  }

  while (stack.length > 0 && (stack[stack.length - 1] ?? 0) >= col) stack.pop();
  const depth = stack.length;
  stack.push(col);

  const box = marker.contentStart;
  const boxChar = src[box + 1];
  const isBox =
    src[box] === "[" &&
    (boxChar === " " || boxChar === "x" || boxChar === "X") &&
    src[box + 2] === "]" &&
    (box + 3 === end || isBlank(src.charCodeAt(box + 3)));
  if (isBox) {
    // Whether the text is empty is decided by the caller, on decoded text.
    items.push({
      line,
      depth,
      boxOffset: box + 1,
      textStart: box + 3,
      textEnd: end,
      checked: boxChar !== " ",
    });
    return state;
  }
  // A list item whose content opens a fence or a comment ("- ```") hides the
  // lines after it just as a top-level one does.
  return blockOpener(src, box, end) ?? state;
}

/** Leading spaces and tabs: the visual column (tabs to stops of 4) and where content starts. */
function indentation(src: string, start: number, end: number): { col: number; next: number } {
  let col = 0;
  let i = start;
  for (; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x20) col++;
    else if (c === 0x09) col += TAB_STOP - (col % TAB_STOP);
    else break;
  }
  return { col, next: i };
}

/**
 * `-`, `*`, `+`, or 1-9 digits then `.` or `)`, followed by whitespace or the
 * end of the line. Returns where the item's content starts.
 */
function listMarker(src: string, i: number, end: number): { contentStart: number } | null {
  let j = i;
  const c = src[i];
  if (c === "-" || c === "*" || c === "+") {
    j = i + 1;
  } else {
    while (j < end && j - i < 9 && isDigit(src.charCodeAt(j))) j++;
    if (j === i || (src[j] !== "." && src[j] !== ")")) return null;
    j++;
  }
  if (j === end) return { contentStart: end };
  if (!isBlank(src.charCodeAt(j))) return null;
  while (j < end && isBlank(src.charCodeAt(j))) j++;
  return { contentStart: j };
}

/** `---`, `* * *`, `___`: not a list item even though `- - -` looks like one. */
function isThematicBreak(src: string, i: number, end: number): boolean {
  const c = src[i];
  if (c !== "-" && c !== "*" && c !== "_") return false;
  let count = 0;
  for (let j = i; j < end; j++) {
    if (src[j] === c) count++;
    else if (!isBlank(src.charCodeAt(j))) return false;
  }
  return count >= 3;
}

/** The state after a line whose content (from `i`) opens a fence or a comment block, or null. */
function blockOpener(src: string, i: number, end: number): BlockState | null {
  const c = src[i];
  if (c === "`" || c === "~") {
    let j = i;
    while (j < end && src[j] === c) j++;
    const len = j - i;
    if (len < 3) return null;
    // A backtick fence's info string may not contain a backtick: ```a``` is
    // inline code, not a fence.
    if (c === "`" && lineContains(src, j, end, "`")) return null;
    return { kind: "fence", char: c, len };
  }
  if (src.startsWith("<!--", i) && i + 4 <= end) {
    // "<!-- note -->" on one line is a whole block; nothing to carry over.
    return lineContains(src, i + 2, end, "-->") ? { kind: "text" } : { kind: "comment" };
  }
  return null;
}

/** A run of the fence character at least as long as the opener, then only whitespace. */
function isClosingFence(
  src: string,
  i: number,
  end: number,
  fence: { char: string; len: number },
): boolean {
  let j = i;
  while (j < end && src[j] === fence.char) j++;
  return j - i >= fence.len && isBlankRange(src, j, end);
}

function lineContains(src: string, from: number, end: number, needle: string): boolean {
  // Bounded to the line: an unbounded indexOf would rescan the rest of the
  // file for every line of a long comment block.
  return from < end && src.slice(from, end).includes(needle);
}

function isBlankRange(src: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (!isBlank(src.charCodeAt(i))) return false;
  return true;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
