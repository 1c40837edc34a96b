import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../../util/paths.js";

/**
 * `agentmux mcp`: loads the MCP server from its own bundle (dist/bin/mcp.js),
 * so the SDK (hundreds of KB) never slows the other commands down. It is
 * required, not imported: the CLI's bundle runs in a vm.Script, which has
 * no dynamic import().
 */
export function main(argv: string[]): Promise<number> {
  const require = createRequire(import.meta.url);
  const mod = require(join(packageRoot, "dist", "bin", "mcp.js")) as {
    main: (argv: string[]) => Promise<number>;
  };
  return mod.main(argv);
}
