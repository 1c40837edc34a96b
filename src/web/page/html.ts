import { h } from "preact";
import htm from "htm";

/** JSX-like templates without a compile step: html`<div class=${c}>...</div>`. */
export const html = htm.bind(h);

/** Page routes live in the path ("/", "/s/NAME"); the server answers both with the page. */
export function navigate(to: string): void {
  history.pushState(null, "", to);
  dispatchEvent(new PopStateEvent("popstate"));
}

export function link(to: string) {
  return (e: MouseEvent): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(to);
  };
}
