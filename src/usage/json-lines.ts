/**
 * The JSON objects among an agent's output lines. The pane log holds what the
 * CLI wrote to its terminal: lines end in \r\n, and other text (a banner, a
 * warning, the supervisor's summary) sits between the JSON events.
 */
export function* jsonObjects(lines: Iterable<string>): Generator<Record<string, unknown>> {
  for (const raw of lines) {
    const line = raw.trim();
    if (!line.startsWith("{") || !line.endsWith("}")) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue; // text that only looks like JSON (or a line cut by the log window)
    }
    if (v !== null && typeof v === "object" && !Array.isArray(v))
      yield v as Record<string, unknown>;
  }
}

/** A token count: a non-negative whole number, else unknown. */
export function count(v: unknown): number | null {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : null;
}

export function record(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : null;
}
