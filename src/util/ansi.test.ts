import { describe, expect, it } from "vitest";
import { stripAnsi } from "./ansi.js";

const E = "\x1b";

describe("stripAnsi", () => {
  it.each([
    ["plain text", "hello\nworld", "hello\nworld"],
    ["SGR colors", `${E}[1;31mred${E}[0m and ${E}[38;2;1;2;3mrgb${E}[m`, "red and rgb"],
    ["cursor and erase CSI", `${E}[2K${E}[1G${E}[?25lhidden cursor${E}[?25h`, "hidden cursor"],
    ["CSI with intermediate byte", `a${E}[0 qb`, "ab"],
    ["OSC title ended by BEL", `${E}]0;my title\x07text`, "text"],
    ["OSC hyperlink ended by ST", `${E}]8;;https://x.test${E}\\link${E}]8;;${E}\\`, "link"],
    ["DCS passthrough", `${E}Ptmux;stuff${E}\\after`, "after"],
    ["unterminated OSC stops at newline", `${E}]0;title\nnext line`, "\nnext line"],
    ["charset selects", `${E}(Bab${E})0c${E}(0d`, "abcd"],
    ["keypad and save/restore escapes", `${E}=${E}7x${E}8${E}>`, "x"],
    ["lone ESC at end", `text${E}`, "text"],
    ["unfinished CSI at end", `text${E}[3`, "text"],
    ["C1 CSI", "\x9b31mred", "red"],
    ["CRLF line endings", "one\r\ntwo\r\n", "one\ntwo\n"],
    ["CR overwrite keeps the last redraw", "10%\r50%\r100%\r\ndone", "100%\ndone"],
    ["CR then erase-line", `working…\r${E}[2Kfinished`, "finished"],
    ["backspace deletes the previous character", "abc\b\bX", "aX"],
    ["other controls dropped, tabs kept", "a\x07b\x00c\td", "abc\td"],
    ["unicode survives", `${E}[32m✓${E}[0m 文件 ünï`, "✓ 文件 ünï"],
  ])("%s", (_name, input, expected) => {
    expect(stripAnsi(input)).toBe(expected);
  });
});
