/**
 * The one error type agentmux throws on purpose. `code` is stable (scripts and
 * --json consumers match on it), `message` names the bad value, `hint` says
 * what to do. Only cli/entry.ts turns an error into an exit code.
 */
export type ErrorCode =
  | "usage"
  | "bad-name"
  | "bad-value"
  | "not-found"
  | "exists"
  | "config"
  | "store"
  | "tmux"
  | "git"
  | "agent"
  | "prd"
  | "state"
  | "io"
  | "remote"
  | "internal";

export class AgentmuxError extends Error {
  override readonly name = "AgentmuxError";
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.hint = opts.hint;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

export function isAgentmuxError(err: unknown): err is AgentmuxError {
  return err instanceof AgentmuxError;
}

/** Render any value for an error message: quoted, control characters visible. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
