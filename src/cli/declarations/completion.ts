import type { CommandDecl } from "../options/types.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;

export const completion: CommandDecl = {
  name: "completion",
  summary: "print a shell completion script (bash, zsh, fish)",
  positionals: [{ name: "shell", choices: SHELLS }],
  description: `Prints a completion script for the shell, made from the same declarations as the
parser and --help, so it always knows every command and option.`,
  options: [],
  footer: `Install:
  bash  agentmux completion bash > ~/.local/share/bash-completion/completions/agentmux
  zsh   agentmux completion zsh > "\${fpath[1]}/_agentmux"
  fish  agentmux completion fish > ~/.config/fish/completions/agentmux.fish`,
};
