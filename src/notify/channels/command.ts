import { run } from "../../process/run.js";
import { flatten } from "../summary.js";
import type { DeliveryResult } from "./result.js";

// Notify commands are expected to hand off and return (openclaw, notify-send,
// curl); ten seconds is generous for that and still lets a pane close promptly.
export const COMMAND_TIMEOUT_MS = 10_000;

/** Run one rendered notify command (argv, no shell). ok when it exits 0. */
export async function deliverCommand(
  argv: readonly string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<DeliveryResult> {
  const [program, ...args] = argv;
  if (program === undefined || program === "") {
    return { ok: false, error: "empty notify command", permanent: true };
  }
  const timeoutMs = opts.timeoutMs ?? COMMAND_TIMEOUT_MS;
  const r = await run(program, args, {
    timeoutMs,
    // Own process group, so a timeout also stops whatever the command started.
    group: true,
    ...(opts.env ? { env: opts.env } : {}),
  });
  const who = JSON.stringify(program);
  if (r.spawnError) {
    const permanent = r.spawnError.code === "ENOENT" || r.spawnError.code === "EACCES";
    return {
      ok: false,
      error: `could not start ${who}: ${r.spawnError.code ?? r.spawnError.message}`,
      permanent,
    };
  }
  if (r.timedOut) return { ok: false, error: `${who} did not finish within ${timeoutMs} ms` };
  if (r.exitCode === 0) return { ok: true };
  const said = lastLine(r.stderr) || lastLine(r.stdout);
  const how =
    r.exitCode !== null ? `exited with ${r.exitCode}` : `was killed by ${r.signal ?? "a signal"}`;
  return { ok: false, error: said ? `${who} ${how}: ${said}` : `${who} ${how}` };
}

function lastLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => flatten(l))
    .filter((l) => l !== "");
  return flatten(lines.at(-1) ?? "", 200);
}
