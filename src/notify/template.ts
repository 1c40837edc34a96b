import { AgentmuxError, show } from "../util/errors.js";

/**
 * Notify command templates. A template is TRUSTED text (config or a flag the
 * user typed), split ONCE into argv words with POSIX-like quoting and no
 * expansions.
 *
 * The safety property does not depend on which program the template runs:
 * a `{placeholder}` may only stand for a value agentmux itself controls
 * (ARGV_VARS: a validated name, a state or verdict from a closed list,
 * numbers, a duration, a signal name), and even those are reduced to a
 * character set no shell, awk or ssh treats as syntax. Everything the agent
 * can influence (its output, the summary and diagnosis built from it, paths
 * and file names) reaches the command only as environment variables
 * (ENV_VARS) and as the JSON event on stdin. So `timeout 5 sh -c '...'`,
 * `sudo`, `ssh host`, `xargs`, `awk` or `env -S` in front change nothing: no
 * byte the agent wrote is ever in the argv, so none can become code. A list of
 * interpreters to refuse could never be complete; this needs none.
 */

/** Values agentmux decides; allowed in argv. */
export const ARGV_VARS = [
  "name",
  "state",
  "exitCode",
  "signal",
  "runId",
  "duration",
  "agent",
  "verdict",
  "commits",
  "uncommitted",
] as const;
export type ArgvVar = (typeof ARGV_VARS)[number];

/** Values the agent controls or that may hold any byte: only in the environment (and stdin JSON). */
export const ENV_VARS = {
  summary: "AGENTMUX_SUMMARY",
  diagnosis: "AGENTMUX_DIAGNOSIS",
  cwd: "AGENTMUX_CWD",
  logPath: "AGENTMUX_LOG_PATH",
} as const;
export type EnvVar = keyof typeof ENV_VARS;

export const TEMPLATE_VARS = [...ARGV_VARS, ...(Object.keys(ENV_VARS) as EnvVar[])] as const;
export type TemplateVar = ArgvVar | EnvVar;

const ARGV_SET: ReadonlySet<string> = new Set(ARGV_VARS);

/**
 * The characters an argv value may keep: none of them is syntax to sh, awk,
 * perl, ssh's remote shell or xargs. Anything else becomes `_`. Values in
 * ARGV_VARS already fit (names are letters, digits, - and _); this makes it
 * true by construction, e.g. for a name stored by an older version.
 */
export function argvSafe(value: string): string {
  return value.replace(/[^A-Za-z0-9_.:+-]/g, "_");
}

/**
 * The OpenClaw gateway's wake-up command. `openclaw system event` takes the
 * text as an argument, so the summary is handed over the one way that keeps
 * it data: a fixed script (no agent byte in it) that expands the environment
 * variable as a single double-quoted word.
 */
export const OPENCLAW_TEMPLATE: readonly string[] = [
  "sh",
  "-c",
  'exec openclaw system event --text "$AGENTMUX_SUMMARY" --mode now',
  "agentmux-openclaw",
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
 * Substitute `{name}` placeholders inside each word. Only ARGV_VARS are
 * substituted, each reduced to argvSafe characters; a value stays inside
 * its one argv element and is never parsed again. Any other placeholder
 * (refused by validateTemplate, but possible in a template stored by an
 * older version) stays as literal text: the agent's value never goes in.
 */
export function renderArgv(
  words: readonly string[],
  vars: Readonly<Partial<Record<string, string>>>,
): string[] {
  return words.map((word) =>
    parseWord(word)
      .map((p) => {
        if ("text" in p) return p.text;
        const v = vars[p.name];
        return ARGV_SET.has(p.name) && v !== undefined ? argvSafe(v) : `{${p.name}}`;
      })
      .join(""),
  );
}

const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_VARS);

/**
 * Reject templates that could only fail later or would put agent text in
 * argv: empty, unknown placeholders, an agent-controlled placeholder, a
 * placeholder as the program.
 */
export function validateTemplate(words: readonly string[], template?: string): void {
  const shown = template ?? words.join(" ");
  const allowed = ARGV_VARS.map((v) => `{${v}}`).join(" ");
  const program = words[0];
  if (program === undefined || program === "") {
    throw new AgentmuxError("bad-value", `Expected a program in notify command ${show(shown)}`, {
      hint: 'give a command such as "notify-send agentmux {name} {state}"',
    });
  }
  for (const word of words) {
    for (const piece of parseWord(word)) {
      if (!("name" in piece)) continue;
      if (!KNOWN.has(piece.name)) {
        throw new AgentmuxError(
          "bad-value",
          `Unknown placeholder {${piece.name}} in notify command ${show(shown)}`,
          {
            hint: `placeholders: ${allowed}; agent text comes as $${ENV_VARS.summary} and friends; write {{ and }} for literal braces`,
          },
        );
      }
      if (!ARGV_SET.has(piece.name)) {
        const env = ENV_VARS[piece.name as EnvVar];
        throw new AgentmuxError(
          "bad-value",
          `Expected no {${piece.name}} in notify command ${show(shown)}: it holds text the agent controls, which never goes into a command's arguments`,
          {
            hint: `read it from the environment instead: ${rewriteHint(shown, env)} (the JSON event is also on stdin)`,
          },
        );
      }
    }
  }
  // The program must be chosen by the user, never by event values.
  if (parseWord(program).some((p) => "name" in p)) {
    throw new AgentmuxError(
      "bad-value",
      `Expected a literal program name in notify command ${show(shown)}, got ${show(program)}`,
      { hint: "put placeholders in the arguments, not in the program name" },
    );
  }
}

/**
 * The template rewritten to read agent-controlled values from the
 * environment: inside single quotes (a script already) each becomes
 * "$AGENTMUX_X"; elsewhere the whole template is wrapped in sh -c '...', the
 * only way a variable is expanded. Only a hint: nothing runs it.
 */
export function rewriteHint(template: string, fallbackEnv: string): string {
  let out = "";
  let quote: "'" | '"' | null = null;
  let needsShell = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(template.slice(i));
    const env = m && Object.hasOwn(ENV_VARS, m[1] as string) ? ENV_VARS[m[1] as EnvVar] : null;
    if (m && env !== null) {
      if (quote === "'") out += `"$${env}"`;
      else if (quote === '"') {
        out += "${" + env + "}";
        needsShell = true;
      } else {
        out += `"$${env}"`;
        needsShell = true;
      }
      i += m[0].length - 1;
      continue;
    }
    if (quote === null && (c === "'" || c === '"')) quote = c;
    else if (quote === c) quote = null;
    out += c;
  }
  if (!needsShell) return out;
  if (template.includes("'")) return `sh -c '... "$${fallbackEnv}" ...'`;
  return `sh -c '${out}'`;
}
