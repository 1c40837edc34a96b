/**
 * Fitting a table to the terminal: pure, so the choices are table-tested.
 * Columns that do not fit are left out, least important first; shrinkable
 * columns (names, notes) end in "…" rather than wrap.
 */
export interface Column {
  readonly header: string;
  /** Left out first when the table is too wide: higher drops earlier; undefined never drops. */
  readonly drop?: number;
  /** Shrinkable down to this many characters, with an ellipsis. */
  readonly min?: number;
}

const GAP = 2;
const ELLIPSIS = "…";

/** Text cut to `width` characters, the last one an ellipsis when anything was cut. */
export function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 0) return "";
  return `${text.slice(0, width - 1)}${ELLIPSIS}`;
}

/** The width a table may use: the terminal's when stdout is one, else $COLUMNS, else 80. */
export function terminalWidth(
  stdout: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv,
): number {
  if (stdout.isTTY && stdout.columns && stdout.columns > 0) return stdout.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
}

/**
 * Render rows under headers within `width` characters (no limit when null).
 * Tries the full set of columns, then drops them in `drop` order; for each
 * set, shrinkable columns give up width (down to their `min`) before the set
 * is given up. Returns the lines, without trailing spaces.
 */
export function fitTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width: number | null,
): string[] {
  const natural = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => (r[i] ?? "").length)),
  );
  let visible = columns.map((_, i) => i);
  let widths = [...natural];
  if (width !== null) {
    const dropOrder = columns
      .map((c, i) => ({ i, drop: c.drop }))
      .filter((c): c is { i: number; drop: number } => c.drop !== undefined)
      .sort((a, b) => b.drop - a.drop)
      .map((c) => c.i);
    for (let dropped = 0; ; dropped++) {
      const set = columns.map((_, i) => i).filter((i) => !dropOrder.slice(0, dropped).includes(i));
      const fitted = shrinkToFit(columns, natural, set, width);
      if (fitted || dropped >= dropOrder.length) {
        visible = set;
        widths = fitted ?? columns.map((c, i) => Math.min(natural[i] ?? 0, c.min ?? Infinity));
        break;
      }
    }
  }
  const line = (cells: readonly string[]): string => {
    const text = visible
      .map((i, k) => {
        const w = widths[i] ?? 0;
        const cell = truncate(cells[i] ?? "", w);
        return k === visible.length - 1 ? cell : cell.padEnd(w);
      })
      .join(" ".repeat(GAP))
      .trimEnd();
    // Even the narrowest set can be too wide for a tiny terminal: cut the line, never wrap.
    return width === null ? text : truncate(text, width);
  };
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}

/** Widths for `set` within `width`, shrinking shrinkable columns (last first); null if impossible. */
function shrinkToFit(
  columns: readonly Column[],
  natural: readonly number[],
  set: readonly number[],
  width: number,
): number[] | null {
  const widths = [...natural];
  const total = (): number =>
    set.reduce((sum, i) => sum + (widths[i] ?? 0), 0) + GAP * (set.length - 1);
  let excess = total() - width;
  for (const i of [...set].reverse()) {
    if (excess <= 0) break;
    const min = Math.max(columns[i]?.min ?? Infinity, columns[i]?.header.length ?? 0);
    const give = Math.max(0, Math.min(excess, (widths[i] ?? 0) - min));
    widths[i] = (widths[i] ?? 0) - give;
    excess -= give;
  }
  return excess <= 0 ? widths : null;
}
