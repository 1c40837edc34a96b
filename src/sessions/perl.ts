import { resolveBinary } from "../agents/path.js";
import { AgentmuxError } from "../util/errors.js";

/**
 * The supervisor is a dependency-free perl script (see runner/runner.pl for
 * why perl). perl-base is part of every Debian/Ubuntu install and of macOS.
 */
export async function resolvePerl(env: NodeJS.ProcessEnv): Promise<string> {
  const found = await resolveBinary("perl", env.PATH ?? "/usr/bin:/bin");
  if (found) return found;
  throw new AgentmuxError(
    "not-found",
    "perl was not found on PATH; agentmux's lightweight supervisor runs on perl",
    {
      hint: "install perl (Debian/Ubuntu: apt-get install perl-base; Alpine: apk add perl)",
    },
  );
}
