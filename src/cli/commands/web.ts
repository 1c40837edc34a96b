import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { AgentmuxError, type ErrorCode } from "../../util/errors.js";
import { packageRoot } from "../../util/paths.js";

/**
 * `agentmux web` lives in its own bundle (dist/web/server.js) so that no
 * other command loads or compiles the dashboard's code.
 */
export async function main(argv: string[]): Promise<number> {
  const bundle = join(packageRoot, "dist", "web", "server.js");
  if (!existsSync(bundle)) {
    throw new AgentmuxError("internal", `the dashboard is not built: ${bundle} is missing`, {
      hint: "run npm run build",
    });
  }
  // Typed here, not imported: the cli layer does not depend on the web layer above it.
  const web = createRequire(import.meta.url)(bundle) as { main(argv: string[]): Promise<number> };
  try {
    return await web.main(argv);
  } catch (e) {
    // The bundle has its own copy of AgentmuxError: carry its code and hint over.
    const x = e as { name?: string; code?: ErrorCode; message?: string; hint?: string };
    if (x.name === "AgentmuxError" && x.code !== undefined) {
      throw new AgentmuxError(
        x.code,
        x.message ?? "",
        x.hint === undefined ? {} : { hint: x.hint },
      );
    }
    throw e;
  }
}
