import { open } from "node:fs/promises";
import type { PriceTable } from "./cost.js";
import { usageJson } from "./cost.js";
import { modelFromArgv, usageFromOutput } from "./parse.js";
import type { UsageJson } from "./types.js";

// The reports are the last events an agent prints; a log of gigabytes is
// read from its end only. A window that starts mid-line loses that line,
// which the parsers skip as not JSON.
const WINDOW = 4 * 1024 * 1024;

/** The end of a log as text ("" when it does not exist: the agent printed nothing). */
export async function readLogEnd(path: string, window = WINDOW): Promise<string> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch {
    return ""; // no output at all: nothing reported
  }
  try {
    const size = (await handle.stat()).size;
    const start = Math.max(0, size - window);
    const buf = Buffer.alloc(size - start);
    const { bytesRead } = await handle.read(buf, 0, buf.length, start);
    return buf.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}

/**
 * Usage of one invocation from its output log: what the CLI reported, the
 * model (its own word, else --model in its argv), and the cost. null when
 * the output holds no report: unknown, not zero.
 */
export async function readUsage(
  logPath: string,
  argv: readonly string[],
  prices: PriceTable,
): Promise<(UsageJson & { source: "codex" | "claude" }) | null> {
  const reported = usageFromOutput(await readLogEnd(logPath));
  if (!reported) return null;
  const model = reported.model ?? modelFromArgv(argv);
  return { ...usageJson(reported, model, prices), source: reported.source };
}
