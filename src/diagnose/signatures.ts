import { jsonObjectOf } from "./events.js";

/**
 * Failure signatures: the real texts agents print when they stop for a reason
 * a person must act on. One table per agent family, plus text any CLI prints.
 * Within a line the first matching row wins, so narrower rows come first
 * (claude's "temporarily limiting requests (not your usage limit)" is a rate
 * limit although it says "usage limit").
 */

export type TextCode = "auth" | "rate-limit" | "usage-limit" | "waiting-input" | "cli-usage";
/** Whose message it is: picks the fix (`codex login` vs claude's /login). */
export type Vendor = "codex" | "claude" | "any";

export interface Signature {
  code: TextCode;
  pattern: RegExp;
}

const CODEX: readonly Signature[] = [
  // codex-rs/core/src/error.rs, UsageLimitReachedError: "You’ve hit your usage
  // limit. ... or try again at 3:28 PM." / "... Try again at Aug 8th, 2026 12:30 PM."
  { code: "usage-limit", pattern: /You[’']ve hit your usage limit/i },
  // error.rs CodexErr::QuotaExceeded; live as "ERROR: Quota exceeded. Check
  // your plan and billing details." in openai/codex#8987.
  { code: "usage-limit", pattern: /Quota exceeded\. Check your plan and billing details/i },
  // error.rs CodexErr::UsageNotIncluded.
  { code: "usage-limit", pattern: /To use Codex with your ChatGPT plan, upgrade to Plus/i },
  // codex-rs/core/src/auth.rs REFRESH_TOKEN_{EXPIRED,REUSED,INVALIDATED,UNKNOWN}_MESSAGE:
  // "Your access token could not be refreshed because your refresh token was
  // already used. Please log out and sign in again."
  { code: "auth", pattern: /Your access token could not be refreshed/i },
  { code: "auth", pattern: /refresh token (?:was already used|has expired|was revoked)/i },
  // auth.rs try_refresh_token: "Failed to refresh token: {status}: {message}".
  { code: "auth", pattern: /Failed to refresh token/i },
  // error.rs EnvVarError: "Missing environment variable: `OPENAI_API_KEY`.";
  // live as "Error: Missing environment variable: `CODEX_API_KEY`." (Emanuele-web04/remodex#114).
  { code: "auth", pattern: /Missing environment variable: `[A-Z0-9_]*API_KEY`/ },
  // error.rs RetryLimitReachedError; live as "ERROR: exceeded retry limit, last
  // status: 401 Unauthorized, request id: ..." (openai/codex#7323, #2896).
  { code: "auth", pattern: /exceeded retry limit, last status: 40[13]\b/i },
  { code: "rate-limit", pattern: /exceeded retry limit, last status: 429\b/i },
  // `codex login status` prints "Not logged in"; the TypeScript codex printed
  // "Missing openai API key." (openai/codex#959).
  { code: "auth", pattern: /^Not logged in\b/i },
  { code: "auth", pattern: /Missing openai API key/i },
  // OpenAI API rate limits relayed by codex: "stream disconnected before
  // completion: Rate limit reached for organization org-… on tokens per min
  // (TPM): … Please try again in 21.509s." (openai/codex#10059, #7075) and
  // Azure's "Rate limit is exceeded. Try again in 17 seconds." (openai/codex#3764).
  { code: "rate-limit", pattern: /Rate limit (?:reached for|is exceeded)/i },
  // codex-rs/tui/src/onboarding/trust_directory.rs.
  { code: "waiting-input", pattern: /Do you trust the contents of this directory\?/i },
  // codex TUI approvals ("Would you like to run the following command?" …
  // "Press enter to confirm or esc to cancel"), as captured from codex 0.157 panes.
  {
    code: "waiting-input",
    pattern:
      /Would you like to (?:run the following command|make the following edits|grant these permissions)\?/i,
  },
  { code: "waiting-input", pattern: /Press enter to (?:confirm|continue)/i },
];

const CLAUDE: readonly Signature[] = [
  // "API Error: Server is temporarily limiting requests (not your usage limit)
  // · Rate limited", from claude transcripts in public repositories.
  { code: "rate-limit", pattern: /Server is temporarily limiting requests/i },
  // "Claude AI usage limit reached|1762952400" (anthropics/claude-code#11429, #9046);
  // "Claude usage limit reached. Your limit will reset at 9am (America/Chicago)." (#15064).
  { code: "usage-limit", pattern: /Claude (?:AI )?usage limit reached/i },
  // "5-hour limit reached ∙ resets 12pm" (#7641, #6392); "Weekly limit reached ·
  // resets 10am (Asia/Seoul) · /upgrade to Max or turn on /extra-usage" (#12789).
  { code: "usage-limit", pattern: /\blimit reached\s*[∙·•]\s*resets\b/i },
  // "You've hit your limit · resets 6:20pm (Europe/Berlin)" (#54709), "You've hit
  // your session limit · resets 12:50am (America/Los_Angeles)" (#74079), "You've
  // hit your weekly limit · resets Jul 31, 2am (UTC)" (#81647), "… resets Apr 23
  // at 4pm (America/Recife)" (#51981).
  { code: "usage-limit", pattern: /You[’']ve hit your (?:[\w-]+ )?limit\b/i },
  // claude-code's CREDIT_BALANCE_TOO_LOW_ERROR_MESSAGE.
  { code: "usage-limit", pattern: /Credit balance is too low/i },
  // claude-code's INVALID_API_KEY_ERROR_MESSAGE "Invalid API key · Please run
  // /login", also the stream-json result of claude 2.0.30 without credentials;
  // newer releases say "Not logged in · Please run /login".
  { code: "auth", pattern: /(?:Invalid API key|Not logged in) · Please run \/login/i },
  { code: "auth", pattern: /Please run \/login/i },
  // claude 2.1.331 with a rejected ANTHROPIC_API_KEY (captured: claude-401.txt).
  { code: "auth", pattern: /Invalid API key · Fix external API key/i },
  { code: "auth", pattern: /OAuth token has expired/i },
  { code: "auth", pattern: /API Error: 40[13]\b|"type":\s*"authentication_error"/ },
  // "API Error: 429 {"type":"error","error":{"type":"rate_limit_error",…}}".
  { code: "rate-limit", pattern: /API Error: 429\b|rate_limit_error|Request rejected \(429\)/ },
  // The first-run trust dialog and tool permission prompts.
  { code: "waiting-input", pattern: /Do you trust the files in this folder\?/i },
  { code: "waiting-input", pattern: /Is this a project you created or one you trust\?/i },
  { code: "waiting-input", pattern: /Do you want to (?:proceed|make this edit|create|allow)\b/i },
];

const ANY: readonly Signature[] = [
  // The OpenAI API's 401 body ("Incorrect API key provided: sk-…").
  { code: "auth", pattern: /Incorrect API key provided|\b401 Unauthorized\b/i },
  { code: "rate-limit", pattern: /\b429\b.*Too Many Requests|\bRate limit reached\b/i },
  // clap (codex): "error: unexpected argument '--login' found" (openai/codex#1099);
  // commander (claude): "error: unknown option '--max-turns'"; getopt.
  {
    code: "cli-usage",
    pattern:
      /error: (?:unexpected argument '[^']*' found|unrecognized subcommand|invalid value '[^']*' for|unknown option '[^']*'|too many arguments)|unrecognized option '[^']*'|invalid option -- '/,
  },
  {
    code: "waiting-input",
    pattern:
      /\[(?:y\/n|yes\/no)\]|\((?:y\/n|yes\/no)\)\s*[:?]?\s*$|Allow command\?|Press Enter to continue/i,
  },
];

export const SIGNATURES: Readonly<Record<Vendor, readonly Signature[]>> = {
  codex: CODEX,
  claude: CLAUDE,
  any: ANY,
};

/** Which vendor an agent profile speaks for; wrappers (ralphy, cmd) may print either. */
export function vendorOf(agent: string): Vendor {
  return agent === "codex" || agent === "claude" ? agent : "any";
}

function tablesFor(agent: string): ReadonlyArray<[Vendor, readonly Signature[]]> {
  const v = vendorOf(agent);
  if (v === "codex")
    return [
      ["codex", CODEX],
      ["any", ANY],
    ];
  if (v === "claude")
    return [
      ["claude", CLAUDE],
      ["any", ANY],
    ];
  return [
    ["codex", CODEX],
    ["claude", CLAUDE],
    ["any", ANY],
  ];
}

export interface TextMatch {
  code: TextCode;
  vendor: Vendor;
  /** The line without box drawing and bullets. */
  line: string;
  /** The line and the two after it joined: terminals wrap "try again\n in 12s". */
  context: string;
  /**
   * The line *is* an error message (it starts with the matched text or with
   * "ERROR:"/"Error:"), rather than mentioning one in passing.
   */
  strong: boolean;
}

/** Leading decoration of TUI lines: tree and box drawing, bullets, prompt markers. */
const DECORATION = /^[\s⎿■●⏺•└├│┃╭╰>❯›▶✗✘×!⚠️*-]+/u;
const ERROR_PREFIX = /^(?:error|fatal(?: error)?|api error)\b[^:]{0,20}:/i;
/** A prompt only blocks if it is among the last lines (a dialog with its options fits); above that it was answered. */
const PROMPT_WINDOW = 10;

/** Match one message (not a screen) against the tables; the first matching row wins. */
export function matchMessage(
  text: string,
  agent: string,
): { code: TextCode; vendor: Vendor } | null {
  const line = text.replace(DECORATION, "");
  for (const [vendor, table] of tablesFor(agent)) {
    for (const s of table) if (s.pattern.test(line)) return { code: s.code, vendor };
  }
  return null;
}

/**
 * The last line of `lines` that matches a signature, skipping JSON lines
 * (structured events are read separately, and text inside them is quoted).
 */
export function lastMatch(
  lines: readonly string[],
  agent: string,
  opts: { strongOnly?: boolean } = {},
): TextMatch | null {
  let seen = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const raw = lines[i] ?? "";
    if (raw.trim() === "" || jsonObjectOf(raw)) continue;
    seen++;
    const line = raw.replace(DECORATION, "").trim();
    for (const [vendor, table] of tablesFor(agent)) {
      for (const s of table) {
        if (s.code === "waiting-input" && seen > PROMPT_WINDOW) continue;
        const m = s.pattern.exec(line);
        if (!m) continue;
        const strong = m.index === 0 || ERROR_PREFIX.test(line);
        if (opts.strongOnly && !strong) continue;
        const context = [
          line,
          ...lines.slice(i + 1, i + 3).map((l) => l.replace(DECORATION, "").trim()),
        ]
          .filter((l) => l !== "")
          .join(" ");
        const found = { code: s.code, vendor, line, context, strong };
        return s.code === "waiting-input" ? (promptQuestion(lines, i, agent) ?? found) : found;
      }
    }
  }
  return null;
}

/**
 * A prompt's question sits above its footer ("Would you like to run the
 * following command?" … "Press enter to confirm"): report the topmost
 * prompt line within the window, which is the question.
 */
function promptQuestion(lines: readonly string[], from: number, agent: string): TextMatch | null {
  let best: TextMatch | null = null;
  let seen = 0;
  for (let i = lines.length - 1; i >= 0 && seen < PROMPT_WINDOW; i--) {
    const raw = lines[i] ?? "";
    if (raw.trim() === "" || jsonObjectOf(raw)) continue;
    seen++;
    if (i >= from) continue;
    const line = raw.replace(DECORATION, "").trim();
    const m = matchMessage(line, agent);
    if (m?.code === "waiting-input")
      best = { code: m.code, vendor: m.vendor, line, context: line, strong: true };
  }
  return best;
}
