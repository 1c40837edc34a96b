import { AgentmuxError, show } from "../util/errors.js";

/**
 * Notify command templates. A template is TRUSTED text (config or a flag the
 * user typed), split ONCE into argv words with POSIX-like quoting and no
 * expansions. Event values (names, diagnosis text, paths) are only ever
 * substituted into the already-split words, so a value can never become a
 * second argument, a shell command or an option of its own.
 */

export const TEMPLATE_VARS = [
  "name",
  "state",
  "exitCode",
  "signal",
  "summary",
  "cwd",
  "agent",
  "verdict",
  "duration",
  "commits",
  "uncommitted",
  "runId",
  "logPath",
  "diagnosis",
] as const;
export type TemplateVar = (typeof TEMPLATE_VARS)[number];

/** The OpenClaw gateway's wake-up command (what the seed users typed by hand). */
export const OPENCLAW_TEMPLATE: readonly string[] = [
  "openclaw",
  "system",
  "event",
  "--text",
  "{summary}",
  "--mode",
  "now",
];

const QUOTING_HINT =
  "quote words with '...' or \"...\" and close every quote; $VAR, ~ and globs stay literal";

/** Inside "...", a backslash only escapes these (as in POSIX sh); elsewhere it is literal. */
const DQ_ESCAPABLE = new Set(["\\", '"', "$", "`"]);

export function splitTemplate(template: string): string[] {
  const words: string[] = [];
  let word = "";
  // A word exists once any character or quote was seen: '' is an empty argument.
  let inWord = false;
  let i = 0;
  const unclosed = (): never => {
    throw new AgentmuxError(
      "bad-value",
      `Expected a closed quote in notify command ${show(template)}`,
      {
        hint: QUOTING_HINT,
      },
    );
  };
  while (i < template.length) {
    const c = template[i] as string;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = template.indexOf("'", i + 1);
      if (end < 0) unclosed();
      word += template.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= template.length) unclosed();
        const d = template[i] as string;
        if (d === '"') break;
        const next = template[i + 1];
        if (d === "\\" && next === "\n") {
          i += 2; // line continuation, as in sh
        } else if (d === "\\" && next !== undefined && DQ_ESCAPABLE.has(next)) {
          word += next;
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === "\\") {
      const next = template[i + 1];
      if (next === undefined) {
        throw new AgentmuxError(
          "bad-value",
          `Expected a character after the last backslash in notify command ${show(template)}`,
          { hint: "write \\\\ for a literal backslash" },
        );
      }
      if (next !== "\n") {
        word += next;
        inWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

type Piece = { text: string } | { name: string };

const PLACEHOLDER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/;

/**
 * `{name}` is a placeholder, `{{` and `}}` are literal braces, any other brace
 * is literal too (so JSON such as `{"text":"{summary}"}` needs no escaping).
 */
function parseWord(word: string): Piece[] {
  const pieces: Piece[] = [];
  let text = "";
  let i = 0;
  while (i < word.length) {
    const rest = word.slice(i);
    if (rest.startsWith("{{") || rest.startsWith("}}")) {
      text += rest[0];
      i += 2;
      continue;
    }
    const m = PLACEHOLDER.exec(rest);
    if (m) {
      if (text) pieces.push({ text });
      text = "";
      pieces.push({ name: m[1] as string });
      i += m[0].length;
      continue;
    }
    text += rest[0];
    i++;
  }
  if (text) pieces.push({ text });
  return pieces;
}

/**
 * Substitute `{name}` placeholders inside each word. A value stays inside its
 * one argv element and is never parsed again (a value containing `{state}`
 * stays literal). Unknown placeholders are left as written; validateTemplate
 * rejects them before a template is ever stored.
 */
export function renderArgv(
  words: readonly string[],
  vars: Readonly<Record<string, string>>,
): string[] {
  return words.map((word) =>
    parseWord(word)
      .map((p) => {
        if ("text" in p) return p.text;
        return Object.hasOwn(vars, p.name) ? (vars[p.name] as string) : `{${p.name}}`;
      })
      .join(""),
  );
}

const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_VARS);

/** Reject templates that could only fail later: empty, unknown placeholders, a placeholder as the program. */
export function validateTemplate(words: readonly string[]): void {
  const known = TEMPLATE_VARS.map((v) => `{${v}}`).join(", ");
  const program = words[0];
  if (program === undefined || program === "") {
    throw new AgentmuxError("bad-value", `Expected a program in notify command ${show(words)}`, {
      hint: 'give a command such as "notify-send agentmux {summary}"',
    });
  }
  for (const word of words) {
    for (const piece of parseWord(word)) {
      if ("name" in piece && !KNOWN.has(piece.name)) {
        throw new AgentmuxError(
          "bad-value",
          `Unknown placeholder {${piece.name}} in notify command ${show(words)}`,
          { hint: `known placeholders: ${known}; write {{ and }} for literal braces` },
        );
      }
    }
  }
  // A placeholder inside an inline script (sh -c '... {summary}') would hand
  // event text to a shell or interpreter as code: the injection this tool
  // exists to end. The value must be an argument of its own instead.
  const script = inlineScript(words);
  if (script !== null && parseWord(script.code).some((p) => "name" in p)) {
    throw new AgentmuxError(
      "bad-value",
      `Expected no placeholder inside the ${script.how} script of notify command ${show(words)}: its value would be run as code`,
      {
        hint: `pass it as an argument and refer to it in the script, e.g. sh -c 'echo "$1" >> notes.txt' sh {summary}`,
      },
    );
  }
  // The program must be chosen by the user, never by event text.
  if (parseWord(program).some((p) => "name" in p)) {
    throw new AgentmuxError(
      "bad-value",
      `Expected a literal program name in notify command ${show(words)}, got ${show(program)}`,
      { hint: "put placeholders in the arguments, not in the program name" },
    );
  }
}

/** Interpreters and the option that makes their next argument inline code. */
const INLINE_CODE: readonly [RegExp, RegExp][] = [
  [/^(?:sh|bash|dash|zsh|ksh|mksh|ash|fish|busybox)$/, /^-[a-zA-Z]*c[a-zA-Z]*$/],
  [/^python[0-9.]*$/, /^-c$/],
  [/^(?:perl|ruby)$/, /^-[eE]$/],
  [/^(?:node|nodejs|deno|bun)$/, /^(?:-e|--eval|-p|--print)$/],
];

/** The inline-code argument of a template whose program (after any `env`) is an interpreter. */
function inlineScript(words: readonly string[]): { how: string; code: string } | null {
  let i = 0;
  const base = (w: string | undefined): string => (w ?? "").split("/").pop() ?? "";
  // env [-i] [NAME=value ...] PROGRAM ...
  if (base(words[0]) === "env") {
    i = 1;
    while (
      i < words.length &&
      (/^-/.test(words[i] ?? "") || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? ""))
    )
      i++;
  }
  const program = base(words[i]);
  const rule = INLINE_CODE.find(([prog]) => prog.test(program));
  if (!rule) return null;
  for (let j = i + 1; j < words.length - 1; j++) {
    const flag = words[j] ?? "";
    if (rule[1].test(flag)) return { how: `${program} ${flag}`, code: words[j + 1] ?? "" };
  }
  return null;
}
