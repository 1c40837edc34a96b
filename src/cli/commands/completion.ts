import { DECLARATIONS } from "../declarations/index.js";
import { completion as decl, SHELLS } from "../declarations/completion.js";
import { completionScript, type Shell } from "../options/completion.js";
import { AgentmuxError, show } from "../../util/errors.js";
import { flag, onePositional, parseDeclared, usageOf } from "../args.js";
import { out, printJson } from "../output.js";

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(decl, argv);
  const shell = onePositional(p, "the shell", usageOf(decl));
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new AgentmuxError(
      "usage",
      `Expected a shell of ${SHELLS.join(", ")}, got ${show(shell)}`,
      {
        hint: "agentmux completion bash > ~/.local/share/bash-completion/completions/agentmux",
      },
    );
  }
  const script = completionScript(shell as Shell, DECLARATIONS);
  if (flag(p, "json")) printJson({ shell, script });
  else out(script);
  return Promise.resolve(0);
}
