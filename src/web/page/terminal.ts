import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { subscribe } from "./api.js";

/**
 * The session's pane output in xterm.js, fed the log's raw bytes (so colours,
 * cursor movement and UTF-8 split across chunks render as tmux showed them).
 * Only the fit addon is loaded: nothing the agent prints can open links,
 * write the clipboard or fetch images.
 */
export interface PaneTerminal {
  dispose(): void;
}

// The pane's own width: agentmux's tmux sessions keep tmux's default size,
// and output with cursor movement only lines up at the width it was made for.
const COLS = 80;

export function openTerminal(
  el: HTMLElement,
  name: string,
  onRun: (run: number) => void,
  onConnected: (up: boolean) => void,
): PaneTerminal {
  const term = new Terminal({
    cols: COLS,
    rows: 24,
    scrollback: 10_000,
    // Phones scroll the 80 columns sideways; a smaller font keeps most in view.
    fontSize: window.innerWidth < 600 ? 11 : 13,
    fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
    convertEol: false,
    disableStdin: true,
    cursorBlink: false,
    theme: { background: "#0d1117", foreground: "#d1d7e0" },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(el);
  const resize = (): void => {
    const dims = fit.proposeDimensions();
    if (dims && Number.isFinite(dims.rows)) term.resize(COLS, Math.max(10, dims.rows));
  };
  resize();
  const observer = new ResizeObserver(resize);
  observer.observe(el);
  const stop = subscribe(
    `/api/sessions/${encodeURIComponent(name)}/stream`,
    (e) => {
      if (e.event === "data") {
        term.write(base64Bytes(e.data));
      } else if (e.event === "reset") {
        term.reset();
        const { run } = JSON.parse(e.data) as { run: number };
        onRun(run);
      } else if (e.event === "run") {
        const { run } = JSON.parse(e.data) as { run: number };
        term.write(`\r\n\x1b[0m\x1b[2m──── run ${run} ────\x1b[0m\r\n`);
        onRun(run);
      }
    },
    onConnected,
  );
  // Tests and the benchmark read what the terminal shows through this.
  el.dataset.ready = "1";
  (el as HTMLElement & { xterm?: Terminal }).xterm = term;
  return {
    dispose() {
      stop();
      observer.disconnect();
      term.dispose();
    },
  };
}

function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}
