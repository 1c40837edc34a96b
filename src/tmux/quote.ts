import { AgentmuxError, show } from "../util/errors.js";

/**
 * The quoting layers between agentmux and a process started through tmux:
 * tmux's argv parser, tmux's format expander, and (for pipe-pane only) sh.
 */

/**
 * Quote `s` as one POSIX sh word. Single quotes keep every byte literal
 * (newlines, `$()`, backticks, `\`, `"`); a single quote itself is written as
 * `'\''`. Always quoted, even plain words, so the result is safe in any word
 * position (never a reserved word or an assignment). Only NUL cannot be
 * passed: no argv element or C string can hold it.
 */
export function shellQuote(s: string): string {
  if (s.includes("\0")) {
    throw new AgentmuxError("bad-value", `Expected text without NUL bytes, got ${show(s)}`, {
      hint: "a NUL byte cannot be passed to a shell command",
    });
  }
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * Escape text that tmux runs through its format expander (new-session's -s
 * name, pipe-pane's command): `##` is a literal `#`, so `#{...}` and `#(...)`
 * (which would run a shell command in the server) stay inert. tmux copies a
 * run of `#` followed by `[` (a style) through unchanged, so such runs are
 * left as they are.
 */
export function tmuxFormatEscape(s: string): string {
  return s.replace(/(#+)(\[?)/g, (_m, hashes: string, bracket: string) =>
    bracket === "[" ? hashes + bracket : hashes + hashes,
  );
}

/**
 * For arguments tmux expands with strftime(3) too (pipe-pane's command, so
 * that log names like `%Y-%m-%d.log` work): `%%` is a literal `%`. tmux 3.3
 * gives such text an 8 KiB buffer and silently yields "" beyond it.
 */
export function tmuxTimeFormatEscape(s: string): string {
  return tmuxFormatEscape(s.replaceAll("%", "%%"));
}

/**
 * Protect one argv element from tmux's own command-line parser. tmux 3.3 ends
 * a command at ANY argument whose last byte is ";" (not only a standalone
 * ";"), and turns a trailing "\;" into ";". So a literal trailing ";" is
 * written as "\;" — which also round-trips text that already ends in "\;".
 * Every argument agentmux gives tmux, except the separators it means, goes
 * through this.
 */
export function tmuxArg(s: string): string {
  return s.endsWith(";") ? `${s.slice(0, -1)}\\;` : s;
}
