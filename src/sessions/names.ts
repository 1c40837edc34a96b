import { AgentmuxError, show } from "../util/errors.js";

/**
 * Session names become tmux session names, which tmux matches by prefix and
 * expands formats in: only letters, digits, - and _ are allowed, and targets
 * always use the exact form `=NAME`.
 */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,48}$/;

export function validateName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new AgentmuxError(
      "bad-name",
      `Expected a session name of 1-48 letters, digits, - or _, got ${show(name)}`,
      { hint: "pick another --name, e.g. --name fix-login" },
    );
  }
  return name;
}

const STOP_WORDS = new Set([
  "the",
  "a",
  "an",
  "and",
  "or",
  "to",
  "of",
  "in",
  "on",
  "for",
  "with",
  "please",
]);

/** A readable name from the agent and the first words of the prompt: `codex-fix-login-bug`. */
export function suggestName(agent: string, prompt: string | undefined): string {
  const words = (prompt ?? "")
    .slice(0, 400)
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^a-z0-9]+/g, " ")
    .split(" ")
    .filter((w) => w.length > 0 && !STOP_WORDS.has(w))
    .slice(0, 4);
  const base = [agent, ...words].join("-").slice(0, 40).replace(/-+$/, "");
  return base.length > 0 ? base : "session";
}

/** First free name among base, base-2, base-3, ... */
export function uniqueName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 2; i < 10_000; i++) {
    const candidate = `${base.slice(0, 44)}-${i}`;
    if (!taken(candidate)) return candidate;
  }
  throw new AgentmuxError("exists", `No free session name left for ${show(base)}`, {
    hint: "pass --name",
  });
}
