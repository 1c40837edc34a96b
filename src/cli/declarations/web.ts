import type { CommandDecl } from "../options/types.js";

export const web: CommandDecl = {
  name: "web",
  summary: "the dashboard in the browser (loopback, token in the URL)",
  positionals: [],
  description: `Serves the dashboard on http://127.0.0.1:7787/ until interrupted (Ctrl-C) and prints one
URL that carries a fresh random token (#token=...): open that one. Every session with its state,
verdict and diagnosis, live; per session its terminal, evidence, loop items and runs; restart,
kill, remove, type a line, start a run or a loop. See docs/web.md.`,
  options: [
    {
      long: "port",
      type: "string",
      value: "N",
      description: "port to listen on (0 = any free port)",
      default: "7787",
    },
    {
      long: "bind",
      type: "string",
      value: "ADDR",
      description:
        "address to listen on; anything but loopback makes the dashboard reachable\nfrom other machines (token-protected, plain HTTP): a warning is printed",
      default: "127.0.0.1",
    },
    {
      long: "open",
      type: "boolean",
      description: "open the URL in the desktop's browser (xdg-open)",
    },
  ],
};
