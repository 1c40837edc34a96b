/**
 * Byte-preserving edits of a daily-notes file. The document is handled as a
 * "binary string" (latin1: one char per byte), so every byte we do not touch
 * — a BOM, CRLF line ends, invalid UTF-8, a missing final newline — is written
 * back exactly. Only the new or rewritten line is UTF-8 text converted in.
 */

export const SECTION_HEADING = "## Active Long-Running Processes";

const HEADING_RE = /^ {0,3}##[ \t]+Active Long-Running Processes[ \t#]*$/i;
// The section ends at the next heading of the same or a higher level.
const SECTION_END_RE = /^ {0,3}#{1,2}(?:[ \t]|$)/;
const FENCE_RE = /^ {0,3}(`{3,}|~{3,})/;
const BOM = "\u00ef\u00bb\u00bf"; // EF BB BF as latin1 chars

export const utf8ToBinary = (text: string): string => Buffer.from(text, "utf8").toString("latin1");
export const binaryToBuffer = (doc: string): Buffer => Buffer.from(doc, "latin1");
export const bufferToBinary = (buf: Buffer): string => buf.toString("latin1");

interface Line {
  /** Without its line end. */
  text: string;
  /** "\n", "\r\n" or "" (last line without a newline). */
  eol: string;
}

function splitLines(doc: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < doc.length) {
    const nl = doc.indexOf("\n", start);
    if (nl < 0) {
      lines.push({ text: doc.slice(start), eol: "" });
      break;
    }
    const cr = nl > start && doc[nl - 1] === "\r";
    lines.push({ text: doc.slice(start, cr ? nl - 1 : nl), eol: cr ? "\r\n" : "\n" });
    start = nl + 1;
  }
  return lines;
}

const joinLines = (lines: readonly Line[]): string => lines.map((l) => l.text + l.eol).join("");

/** The file's own line end (its first one), "\n" for a file without any. */
function eolOf(doc: string): string {
  const nl = doc.indexOf("\n");
  return nl > 0 && doc[nl - 1] === "\r" ? "\r\n" : "\n";
}

/** Which lines are inside fenced code blocks (a heading there is not a heading). */
function fencedLines(lines: readonly Line[]): boolean[] {
  const inside: boolean[] = [];
  let fence: string | null = null;
  for (const line of lines) {
    const m = FENCE_RE.exec(line.text);
    if (fence === null) {
      inside.push(false);
      if (m) fence = m[1] as string;
    } else {
      inside.push(true);
      const closer = m?.[1];
      if (closer !== undefined && closer[0] === fence[0] && closer.length >= fence.length) {
        if (line.text.trim() === closer) fence = null;
      }
    }
  }
  return inside;
}

const withoutBom = (text: string, index: number): string =>
  index === 0 && text.startsWith(BOM) ? text.slice(BOM.length) : text;
const bomOf = (text: string, index: number): string =>
  index === 0 && text.startsWith(BOM) ? BOM : "";

/** Index of the line ending with `marker` (anywhere in the file), or -1. */
function findMarked(lines: readonly Line[], marker: string): number {
  return lines.findIndex((l) => l.text.trimEnd().endsWith(marker));
}

/**
 * Add `line` (UTF-8 text, one line) as the last entry of the Active section,
 * or rewrite the line carrying `marker` where it is, if there is one.
 * The section (and the file) are created when missing.
 */
export function upsertEntry(doc: string, line: string, marker: string): string {
  const entry = utf8ToBinary(line);
  const lines = splitLines(doc);
  const existing = findMarked(lines, utf8ToBinary(marker));
  if (existing >= 0) {
    const old = lines[existing] as Line;
    lines[existing] = { text: bomOf(old.text, existing) + entry, eol: old.eol };
    return joinLines(lines);
  }
  const eol = eolOf(doc);
  const fenced = fencedLines(lines);
  const heading = lines.findIndex((l, i) => !fenced[i] && HEADING_RE.test(withoutBom(l.text, i)));
  if (heading < 0) return appendSection(doc, entry, eol);

  // Insert after the section's last non-blank line, so a list stays one list
  // and the blank line before the next heading stays where it is.
  let last = heading;
  for (let i = heading + 1; i < lines.length; i++) {
    const text = (lines[i] as Line).text;
    if (!fenced[i] && SECTION_END_RE.test(text)) break;
    if (text.trim() !== "") last = i;
  }
  const after = lines[last] as Line;
  if (after.eol === "") {
    // The file ends here without a newline: keep it ending without one.
    lines.splice(last, 1, { text: after.text, eol }, { text: entry, eol: "" });
  } else {
    lines.splice(last + 1, 0, { text: entry, eol });
  }
  return joinLines(lines);
}

function appendSection(doc: string, entry: string, eol: string): string {
  const body = doc.startsWith(BOM) ? doc.slice(BOM.length) : doc;
  let prefix = doc;
  if (body.trim() !== "") {
    if (!doc.endsWith("\n")) prefix += eol;
    // One blank line between the existing notes and the new section.
    if (!/\n[ \t]*\r?\n$/.test(prefix)) prefix += eol;
  }
  return `${prefix}${SECTION_HEADING}${eol}${eol}${entry}${eol}`;
}

/**
 * Rewrite the line carrying `marker` with `rewrite(oldLine)`. Returns null when
 * no line carries the marker (the user deleted it): nothing is added back.
 */
export function rewriteEntry(
  doc: string,
  marker: string,
  rewrite: (old: string) => string,
): string | null {
  const lines = splitLines(doc);
  const index = findMarked(lines, utf8ToBinary(marker));
  if (index < 0) return null;
  const line = lines[index] as Line;
  const old = Buffer.from(withoutBom(line.text, index), "latin1").toString("utf8");
  lines[index] = { text: bomOf(line.text, index) + utf8ToBinary(rewrite(old)), eol: line.eol };
  return joinLines(lines);
}
