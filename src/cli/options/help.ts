import {
  COMMON_OPTIONS,
  synopsis,
  type CommandDecl,
  type OptionDecl,
  type OptionGroup,
} from "./types.js";

/** "-n, --lines N" / "    --json": short flags line up with the long ones. */
export function optionLabel(o: OptionDecl): string {
  const value = o.type === "string" ? ` ${o.value ?? "VALUE"}` : "";
  return `${o.short ? `-${o.short}, ` : "    "}--${o.long}${value}`;
}

/** The description with its default and repeatability, as lines. */
export function optionText(o: OptionDecl): string[] {
  const extra = [
    ...(o.repeatable ? ["repeatable"] : []),
    ...(o.default !== undefined ? [`default: ${o.default}`] : []),
  ];
  const lines = o.description.split("\n");
  if (extra.length > 0) lines[lines.length - 1] += ` (${extra.join("; ")})`;
  return lines;
}

/** Option sections with ONE label column for the whole command, so groups never drift apart. */
function optionSections(groups: readonly OptionGroup[]): string[] {
  const width = Math.max(...groups.flatMap((g) => g.options.map((o) => optionLabel(o).length)));
  const lines: string[] = [];
  for (const g of groups) {
    if (g.options.length === 0) continue;
    lines.push("", `${g.title}:`);
    for (const o of g.options) {
      const [first = "", ...more] = optionText(o);
      lines.push(`  ${optionLabel(o).padEnd(width)}  ${first}`);
      for (const m of more) lines.push(`  ${"".padEnd(width)}  ${m}`);
    }
  }
  return lines;
}

/** `agentmux <cmd> --help`. */
export function commandHelp(decl: CommandDecl): string {
  const groups: OptionGroup[] = [
    { title: "Options", options: decl.options },
    ...(decl.groups ?? []),
    COMMON_OPTIONS,
  ];
  return [
    `Usage: agentmux ${synopsis(decl)}`,
    "",
    decl.description,
    ...optionSections(groups),
    ...(decl.footer ? ["", decl.footer] : []),
  ].join("\n");
}

/** `agentmux --help`: every public command with its summary. */
export function topHelp(decls: readonly CommandDecl[]): string {
  const shown = decls.filter((d) => !d.internal);
  const width = Math.max(...shown.map((d) => d.name.length));
  const common = COMMON_OPTIONS.options.map((o) => optionLabel(o).trim()).join(", ");
  return [
    "agentmux — run AI coding agents in persistent tmux sessions, and know how they ended",
    "",
    "Usage: agentmux <command> [options]",
    "",
    "Commands:",
    ...shown.map((d) => `  ${d.name.padEnd(width)}  ${d.summary}`),
    "",
    `Every command takes ${common}.`,
    "  agentmux --version     the version",
    "State: $AGENTMUX_HOME (default ~/.local/state/agentmux). Docs: docs/cli.md, docs/ and README.md.",
    'Run "agentmux <command> --help" for a command\'s options.',
  ].join("\n");
}
