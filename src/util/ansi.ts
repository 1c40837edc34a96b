/**
 * Turn raw pane output (as captured by tmux pipe-pane) into plain text lines.
 * Not a terminal emulator: cursor movement is dropped, not replayed, so
 * full-screen TUIs come out rough; line-oriented output comes out clean.
 */

// One alternation, tried left to right at each ESC (or C1 CSI):
// - CSI: ESC [ params intermediates final; an unfinished one at the end of
//   the text (the writer was mid-sequence) is dropped too.
// - String sequences OSC (ESC ]), DCS (ESC P), SOS (ESC X), PM (ESC ^),
//   APC (ESC _): up to BEL or ST (ESC \). An unterminated one stops at the
//   next newline or ESC, so one stray "ESC ]" cannot swallow the whole tail.
// - Other escapes: ESC, intermediates (0x20-0x2F), one final byte. Covers
//   charset selects (ESC ( B, ESC ) 0), ESC 7/8, ESC =, ESC M, ESC # 8 ...
// - A lone ESC that starts none of these.
const ESCAPES =
  /\x1b(?:\[[0-?]*[ -/]*(?:[@-~]|$)|[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?|[ -/]*[0-~])|\x9b[0-?]*[ -/]*(?:[@-~]|$)|\x1b/g;

// C0 and C1 controls other than tab, newline and CR (handled per line), and
// backspace (applied per line). DEL too.
const CONTROLS = /[\x00-\x07\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;

/** Escape sequences removed, nothing else touched (callers decide what control characters become). */
export function removeEscapes(text: string): string {
  return text.replace(ESCAPES, "");
}

export function stripAnsi(text: string): string {
  return removeEscapes(text).split("\n").map(cleanLine).join("\n");
}

function cleanLine(line: string): string {
  // Terminal lines end in "\r\n"; that CR overwrites nothing.
  let s = line.replace(/\r+$/, "");
  // A CR mid-line returns the cursor so the rest redraws the line (progress
  // bars, spinners): what is left on screen is what came after the last one.
  const cr = s.lastIndexOf("\r");
  if (cr >= 0) s = s.slice(cr + 1);
  return applyBackspaces(s.replace(CONTROLS, ""));
}

function applyBackspaces(s: string): string {
  if (!s.includes("\b")) return s;
  const out: string[] = [];
  for (const ch of s) {
    if (ch === "\b") out.pop();
    else out.push(ch);
  }
  return out.join("");
}
