import { optionLabel, optionText } from "./help.js";
import { COMMON_OPTIONS, synopsis, type CommandDecl, type OptionGroup } from "./types.js";

/** A markdown table cell: one line, pipes escaped. */
const md = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function optionTable(options: OptionGroup["options"]): string[] {
  if (options.length === 0) return ["(none besides the common options)"];
  return [
    "| option | description |",
    "|---|---|",
    ...options.map((o) => `| \`${optionLabel(o).trim()}\` | ${md(optionText(o).join(" "))} |`),
  ];
}

/**
 * docs/cli.md, made from the declarations (`npm run docs:cli` rewrites it;
 * a unit test fails while it is out of date).
 */
export function cliDocs(decls: readonly CommandDecl[]): string {
  const shown = decls.filter((d) => !d.internal);
  const groups = new Map<string, OptionGroup>();
  for (const d of shown) for (const g of d.groups ?? []) groups.set(g.title, g);
  const lines = [
    "# Command line reference",
    "",
    "<!-- Generated from src/cli/declarations/ by `npm run docs:cli`; do not edit by hand. -->",
    "",
    "| command | what it does |",
    "|---|---|",
    ...shown.map((d) => `| [\`${d.name}\`](#agentmux-${d.name}) | ${md(d.summary)} |`),
    "",
    "`agentmux --version` prints the version; `agentmux <command> --help` prints what is below.",
  ];
  for (const d of shown) {
    lines.push("", `## agentmux ${d.name}`, "", "```", `agentmux ${synopsis(d)}`, "```", "");
    lines.push(d.description, "", ...optionTable(d.options));
    if (d.groups?.length) {
      lines.push(
        "",
        `Also: ${d.groups.map((g) => `[${g.title.toLowerCase()}](#${anchor(g.title)})`).join(", ")}, and the [common options](#common-options).`,
      );
    }
    if (d.footer) lines.push("", "```", d.footer, "```");
  }
  for (const g of [...groups.values(), COMMON_OPTIONS]) {
    lines.push("", `## ${g.title}`, "", ...optionTable(g.options));
  }
  return `${lines.join("\n")}\n`;
}

const anchor = (title: string): string => title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
