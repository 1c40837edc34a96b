/**
 * A command's interface, declared once. The parser, `agentmux <cmd> --help`,
 * the top-level command list, docs/cli.md and the shell completions are all
 * made from these declarations, so they cannot drift apart. Declarations are
 * plain data: they must not import a command module (main.ts loads all of
 * them to answer `--help` while commands stay lazy).
 */
export interface OptionDecl {
  /** The long name, without the dashes. */
  readonly long: string;
  readonly short?: string;
  readonly type: "boolean" | "string";
  /** The value's name in help (string options), e.g. "N", "DUR", "PATH". */
  readonly value?: string;
  /** One or more lines; lines after the first continue the description. */
  readonly description: string;
  readonly repeatable?: boolean;
  /** The default as shown to people, e.g. "40" or "PRD.md". */
  readonly default?: string;
  /** What a shell may complete for the value: files, directories or fixed words. */
  readonly complete?: "file" | "dir" | readonly string[];
}

/** Options shared by several commands, printed under their own title. */
export interface OptionGroup {
  readonly title: string;
  readonly options: readonly OptionDecl[];
}

export interface PositionalDecl {
  readonly name: string;
  readonly optional?: boolean;
  readonly variadic?: boolean;
  /** Fixed words the positional takes (the agent of `run`), for completion. */
  readonly choices?: readonly string[];
}

export interface CommandDecl {
  readonly name: string;
  /** One line for the top-level command list. */
  readonly summary: string;
  readonly positionals: readonly PositionalDecl[];
  /** The command's own options; COMMON_OPTIONS are always added. */
  readonly options: readonly OptionDecl[];
  /** Shared groups, printed after the command's own options. */
  readonly groups?: readonly OptionGroup[];
  /** What the arguments after a standalone `--` are, when the command takes them. */
  readonly rest?: string;
  /** The paragraph(s) of `--help` between the usage line and the options. */
  readonly description: string;
  /** Text after the options (examples, a list of agents). */
  readonly footer?: string;
  /** Internal commands run by agentmux itself: parsed by hand, not listed, not completed. */
  readonly internal?: boolean;
}

/** Options every command takes. */
export const COMMON_OPTIONS: OptionGroup = {
  title: "Common options",
  options: [
    {
      long: "json",
      type: "boolean",
      description: "machine-readable output (JSON: one line, indented at a terminal)",
    },
    {
      long: "socket",
      type: "string",
      value: "PATH",
      description: "tmux socket",
      default: "~/.tmux/sock or $AGENTMUX_SOCKET",
      complete: "file",
    },
    { long: "help", short: "h", type: "boolean", description: "this help" },
  ],
};

/** Every option of a command, own first, then its groups, then the common ones. */
export function allOptions(decl: CommandDecl): OptionDecl[] {
  return [
    ...decl.options,
    ...(decl.groups ?? []).flatMap((g) => g.options),
    ...COMMON_OPTIONS.options,
  ];
}

/** The usage line, after "agentmux ". */
export function synopsis(decl: CommandDecl): string {
  const pos = decl.positionals.map((p) => {
    const core = `<${p.choices ? p.choices.join("|") : p.name}>${p.variadic ? "..." : ""}`;
    return p.optional ? `[${core}]` : core;
  });
  return [
    decl.name,
    ...pos,
    ...(allOptions(decl).length > 0 ? ["[options]"] : []),
    ...(decl.rest ? [`[-- ${decl.rest}]`] : []),
  ].join(" ");
}
