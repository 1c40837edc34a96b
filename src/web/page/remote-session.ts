import { useEffect, useState } from "preact/hooks";
import { api, ApiError, subscribe } from "./api.js";
import { duration, fixOf, isProblem, stateWord } from "./format.js";
import { html } from "./html.js";
import { Top } from "./session.js";
import type { FleetView, RemoteSession } from "./types.js";

/**
 * A session on a registered host: its status and the end of its output,
 * read over ssh by the server. Read-only: a remote pane is not streamed and
 * takes no input or actions here; the page says how to attach from a
 * terminal instead. Re-read whenever the host's list changes (the `hosts`
 * event, driven by that host's event channel).
 */
export function RemoteSessionPage({ host, name }: { host: string; name: string }) {
  const [view, setView] = useState<RemoteSession | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reachable, setReachable] = useState(true);
  const [connected, setConnected] = useState(true);
  const base = `/api/hosts/${encodeURIComponent(host)}/sessions/${encodeURIComponent(name)}`;

  useEffect(() => {
    let busy = false;
    let again = false;
    const load = async (): Promise<void> => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          try {
            setView(await api<RemoteSession>(base));
            setError(null);
          } catch (e) {
            setError(
              e instanceof ApiError ? `${e.message}${e.hint ? ` — ${e.hint}` : ""}` : String(e),
            );
          }
        } while (again);
      } finally {
        busy = false;
      }
    };
    void load();
    let last = "";
    const stop = subscribe(
      "/api/events",
      (e) => {
        if (e.event !== "hosts") return;
        const fleet = JSON.parse(e.data) as FleetView;
        const h = fleet.hosts.find((x) => x.host === host);
        setReachable(h?.reachable !== false);
        // Only this session's row matters: re-read when it changed.
        const row = JSON.stringify(fleet.sessions.find((s) => s.host === host && s.name === name));
        if (row !== last) {
          last = row;
          void load();
        }
      },
      setConnected,
    );
    return stop;
  }, [host, name]);

  const s = view?.status ?? null;
  const fix = s ? fixOf(s) : null;
  return html`
    <${Top} connected=${connected} />
    <section class="head remote" id="remote-session">
      <h2>
        ${name}
        <span class="host" title="host">${host}</span>
        ${s && html`<span class=${`badge ${s.state}`}>${stateWord(s)}</span>`}
        ${s?.verdict && html`<span class=${`verdict ${s.verdict}`}>${s.verdict}</span>`}
      </h2>
      <p class="note" id="read-only">
        On host <b>${host}</b>: read-only here (no live terminal, input or actions). From a
        terminal: <code>agentmux attach ${name} --host ${host}</code>
      </p>
      ${!reachable && html`<p class="error" role="alert" id="host-unreachable">${host} is unreachable; showing what it last said.</p>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${
        s &&
        html`<div class="facts">
            <span>${s.agent}</span>
            <span id="run-no">run ${s.run ?? "-"} of ${s.runs}</span>
            <span>${duration(s.durationMs)}</span>
          </div>
          <div class="where">
            <code>${s.cwd ?? "-"}</code>${s.command && html` · <code>${s.command}</code>`}
          </div>
          ${s.diagnosis && isProblem(s.diagnosis) && html`<div class="diag"><b>${s.diagnosis.code}</b>: ${s.diagnosis.summary}</div>`}
          ${fix && html`<div class="fix">fix: <code>${fix}</code></div>`}`
      }
    </section>
    <section class="term-box">
      <h3>Output <small>last lines, as agentmux tail prints them</small></h3>
      <pre class="tail" id="remote-tail">${view?.tail ?? ""}</pre>
    </section>
  `;
}
