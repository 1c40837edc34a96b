import { isAbsolute } from "node:path";
import { AgentmuxError, show } from "../util/errors.js";
import { CREATED_FORMAT, PANE_FORMAT, SESSION_FORMAT, UNMARKED_PANE_FORMAT } from "./format.js";
import { MARK_OPTION } from "./mark.js";
import { shellQuote, tmuxArg, tmuxFormatEscape, tmuxTimeFormatEscape } from "./quote.js";

/**
 * Pure builders of tmux argv (after `tmux -u -S SOCKET`). Every argument goes
 * through tmuxArg; the only ";" elements are the separators meant here.
 *
 * Targets: `=NAME` matches a session name exactly (plain `NAME` would also
 * match a prefix, so `agent-1` could hit `agent-10`). Commands whose target is
 * a window or pane (set-option, pipe-pane, capture-pane) need `=NAME:` — tmux
 * 3.3 answers "no such session: =NAME" for those without the colon.
 */

/** Print the client's version and exit (no server needed). */
/** The session older agentmux versions kept for their control client; the name stays reserved. */
export const MONITOR_SESSION = "agentmux-monitor";

export function versionArgs(): string[] {
  return ["-V"];
}

/** Global client flags. -u: without a UTF-8 locale tmux prints non-ASCII names as "_". */
export function socketArgs(socketPath: string): string[] {
  return ["-u", "-S", socketPath];
}

export interface NewSessionSpec {
  name: string;
  /** The pane's argv, 2+ elements: tmux execs those directly, but runs 1 through sh -c. */
  command: readonly string[];
  /** Absolute path the pane's output is appended to (pipe-pane). */
  logPath: string;
  /** The `@agentmux` session option (tmux/mark.ts), set in the same invocation. */
  mark: string;
  width?: number;
  height?: number;
}

/**
 * One invocation that creates the session, keeps its pane after exit and
 * starts logging. One invocation because tmux runs the chained commands before
 * its event loop reads the pane's output or reaps it: a command that prints
 * and exits at once is still logged, and its pane still kept. If new-session
 * fails (duplicate name), tmux skips the rest of the chain.
 *
 * No -c DIR (tmux format-expands it; the runner changes directory itself) and
 * no -e (values would be visible in every process listing).
 */
export function newSessionArgs(spec: NewSessionSpec): string[] {
  const name = checkName(spec.name);
  if (spec.command.length < 2) {
    throw new AgentmuxError(
      "bad-value",
      `Expected the pane command as 2 or more argv elements, got ${show(spec.command)}`,
      {
        hint: "tmux runs a single-element command through sh -c; pass the program and its arguments",
      },
    );
  }
  if (!isAbsolute(spec.logPath)) {
    throw new AgentmuxError(
      "bad-value",
      `Expected an absolute log path, got ${show(spec.logPath)}`,
      {
        hint: "pipe-pane's shell runs in the tmux server's directory, not ours",
      },
    );
  }
  const size = [...dimension("-x", spec.width), ...dimension("-y", spec.height)];
  const pane = tmuxArg(paneTarget(name));
  // pipe-pane's command is expanded by tmux (formats and strftime), then run by sh -c.
  // umask: the log holds whatever the agent printed; it is created 0600 like
  // every other file in the state directory (sh's default would be 0644).
  const pipe = tmuxTimeFormatEscape(`umask 077 && exec cat >> ${shellQuote(spec.logPath)}`);
  // tmux 3.3 strftime-expands it in an 8 KiB buffer and runs "" on overflow.
  if (Buffer.byteLength(pipe) > 8000) {
    throw new AgentmuxError("bad-value", `Expected a shorter log path, got ${show(spec.logPath)}`, {
      hint: "use a shorter state directory",
    });
  }
  return [
    "new-session",
    "-d",
    // -s is format-expanded too (tmux 3.3 turns "#{pid}x" into "1234x").
    "-s",
    tmuxArg(tmuxFormatEscape(name)),
    ...size,
    "-P",
    "-F",
    CREATED_FORMAT,
    "--",
    ...spec.command.map(tmuxArg),
    ";",
    // First after new-session: from here on no client can see it unmarked.
    "set-option",
    "-t",
    pane,
    MARK_OPTION,
    tmuxArg(spec.mark),
    ";",
    "set-option",
    "-w",
    "-t",
    pane,
    "remain-on-exit",
    "on",
    ";",
    "pipe-pane",
    "-o",
    "-t",
    pane,
    tmuxArg(pipe),
  ];
}

export function listSessionsArgs(): string[] {
  return ["list-sessions", "-F", SESSION_FORMAT];
}

export function listPanesArgs(): string[] {
  return ["list-panes", "-a", "-F", PANE_FORMAT];
}

export function listUnmarkedPanesArgs(): string[] {
  return ["list-panes", "-a", "-F", UNMARKED_PANE_FORMAT];
}

export function hasSessionArgs(name: string): string[] {
  return ["has-session", "-t", tmuxArg(sessionTarget(name))];
}

export function killSessionArgs(name: string): string[] {
  return ["kill-session", "-t", tmuxArg(sessionTarget(name))];
}

/** By id (`$n`, never reused while the server lives): exactly the session whose mark was read. */
export function killSessionByIdArgs(id: string): string[] {
  if (!/^\$\d+$/.test(id)) {
    throw new AgentmuxError("bad-value", `Expected a tmux session id like $3, got ${show(id)}`);
  }
  return ["kill-session", "-t", id];
}

/**
 * Every session's id, name and `@agentmux` mark ("" when unmarked); the mark
 * last (tmux stores a tab typed into a name as the two characters `\t`). Not `display-message -t =NAME:`: for a missing session tmux 3.3a
 * prints the error and then answers for another session, exit 0.
 */
export function sessionMarksArgs(): string[] {
  return ["list-sessions", "-F", `#{session_id}\t#{session_name}\t#{${MARK_OPTION}}`];
}

export function attachSessionArgs(name: string): string[] {
  return ["attach-session", "-t", tmuxArg(sessionTarget(name))];
}

/** From inside tmux on the same server: move this client instead of nesting. */
export function switchClientArgs(name: string): string[] {
  return ["switch-client", "-t", tmuxArg(sessionTarget(name))];
}

/**
 * Type `text` into the pane literally (-l: no key names), then Enter. The text
 * is one argv element; "--" keeps a leading "-" from being read as a flag.
 */
export function sendLineArgs(name: string, text: string): string[] {
  const pane = tmuxArg(paneTarget(name));
  return [
    "send-keys",
    "-t",
    pane,
    "-l",
    "--",
    tmuxArg(text),
    ";",
    "send-keys",
    "-t",
    pane,
    "Enter",
  ];
}

/**
 * The last `lines` lines of history plus the visible screen, wrapped lines
 * joined (-J). The caller trims the blank rows below the output.
 */
export function capturePaneArgs(name: string, lines: number): string[] {
  if (!Number.isSafeInteger(lines) || lines < 1) {
    throw new AgentmuxError(
      "bad-value",
      `Expected a positive number of lines, got ${show(lines)}`,
      {
        hint: "e.g. -n 50",
      },
    );
  }
  return ["capture-pane", "-p", "-J", "-S", `-${lines}`, "-t", tmuxArg(paneTarget(name))];
}

/** A session option on one session only (never -g: the user's server is not ours). */
export function setSessionOptionArgs(name: string, option: string, value: string): string[] {
  return ["set-option", "-t", tmuxArg(paneTarget(name)), "--", checkOption(option), tmuxArg(value)];
}

/** A window option on the session's current window. */
export function setWindowOptionArgs(name: string, option: string, value: string): string[] {
  return [
    "set-option",
    "-w",
    "-t",
    tmuxArg(paneTarget(name)),
    "--",
    checkOption(option),
    tmuxArg(value),
  ];
}

export function serverPidArgs(): string[] {
  return ["display-message", "-p", "#{pid}"];
}

export function killServerArgs(): string[] {
  return ["kill-server"];
}

/** The monitor side: pane-died hooks and a wait-for channel (see control.ts). */

/** argv that gives each named session its pane-died hook (session-scoped: -t, never -g). */
export function paneDiedHookArgs(names: readonly string[], channel: string): string[] {
  const args: string[] = [];
  for (const name of names) {
    if (args.length > 0) args.push(";");
    // set-hook takes a pane target in 3.3a: "=name" alone is "no such window".
    args.push("set-hook", "-t", tmuxArg(paneTarget(name)), "pane-died", `wait-for -S ${channel}`);
  }
  return args;
}

/** Block until `channel` is signalled. */
export function waitForArgs(channel: string): string[] {
  return ["wait-for", channel];
}

/** Wake every client waiting on `channel`. */
export function signalChannelArgs(channel: string): string[] {
  return ["wait-for", "-S", channel];
}

function sessionTarget(name: string): string {
  return `=${checkName(name)}`;
}

function paneTarget(name: string): string {
  return `=${checkName(name)}:`;
}

/**
 * tmux 3.3 silently rewrites ":" and "." in a new name to "_" and stores
 * control characters escaped, so a name with any of those could never be
 * targeted again by the name we were given.
 */
function checkName(name: string): string {
  if (name === "" || /[:.\x00-\x1f\x7f]/.test(name)) {
    throw new AgentmuxError(
      "bad-name",
      `Expected a tmux session name without ":", "." or control characters, got ${show(name)}`,
      { hint: "agentmux names use letters, digits, - and _" },
    );
  }
  return name;
}

function checkOption(option: string): string {
  if (!/^@?[A-Za-z][A-Za-z0-9_-]*$/.test(option)) {
    throw new AgentmuxError("bad-value", `Expected a tmux option name, got ${show(option)}`, {
      hint: "e.g. remain-on-exit or @agentmux-run",
    });
  }
  return option;
}

function dimension(flag: string, value: number | undefined): string[] {
  if (value === undefined) return [];
  if (!Number.isSafeInteger(value) || value < 1 || value > 10000) {
    throw new AgentmuxError(
      "bad-value",
      `Expected a pane size of 1-10000 cells, got ${show(value)}`,
      {
        hint: "omit it to use tmux's default-size",
      },
    );
  }
  return [flag, String(value)];
}
