import { setFleetCounter } from "../sessions/fleet-hook.js";

/**
 * Launches from this process count the account's runs on the registered
 * hosts too (remote/fleet.ts, loaded only when a concurrency limit is set).
 * Every entry point calls it once: the CLI, the MCP server and the library,
 * so an assistant's start through MCP or `import { run }` waits for the same
 * slot as one typed in a terminal.
 */
export function countHostsToo(): void {
  setFleetCounter(async (ctx, agent) =>
    (await import("../remote/fleet.js")).countElsewhere(ctx, agent),
  );
}
