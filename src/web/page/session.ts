import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, subscribe } from "./api.js";
import {
  age,
  duration,
  fixOf,
  isProblem,
  isLive,
  liveDuration,
  stateWord,
  usageText,
  when,
} from "./format.js";
import { html, link, navigate } from "./html.js";
import type { PaneTerminal } from "./terminal.js";
import type { History, Iteration, Session } from "./types.js";

type Action = "kill" | "restart" | "remove";

export function SessionPage({ name }: { name: string }) {
  const [s, setS] = useState<Session | null>(null);
  const [hist, setHist] = useState<History | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState(Date.now());
  const [now, setNow] = useState(Date.now());
  const [termRun, setTermRun] = useState<number | null>(null);
  const [connected, setConnected] = useState(true);
  const base = `/api/sessions/${encodeURIComponent(name)}`;

  const load = async (): Promise<void> => {
    try {
      const [status, h] = await Promise.all([api<Session>(base), api<History>(`${base}/history`)]);
      setS(status);
      setHist(h);
      setLoadedAt(Date.now());
      setNow(Date.now());
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  useEffect(() => {
    void load();
    // Every store change (a run ended, an item was verified, a restart) re-reads this session.
    let pending: number | undefined;
    const stop = subscribe("/api/events", (e) => {
      if (e.event !== "sessions" || pending !== undefined) return;
      pending = window.setTimeout(() => {
        pending = undefined;
        void load();
      }, 50);
    });
    const tick = setInterval(() => setNow(Date.now()), 5000);
    return () => {
      stop();
      clearInterval(tick);
    };
  }, [name]);

  if (error && !s) {
    return html`<${Top} />
      <p class="error" role="alert">${error}</p>`;
  }
  if (!s)
    return html`<${Top} />
      <p class="empty">loading…</p>`;
  const live = isLive(s.state);
  const fix = fixOf(s);
  const usage = usageText(
    s.loop?.usage ?? s.usage ?? hist?.runs.find((r) => r.run === s.run)?.usage ?? null,
  );
  return html`
    <${Top} connected=${connected} />
    <section class="head">
      <h2>
        ${s.name}
        <span class=${`badge ${s.state}`}>${stateWord(s)}</span>
        ${s.verdict && html`<span class=${`verdict ${s.verdict}`}>${s.verdict}</span>`}
      </h2>
      <div class="facts">
        <span>${s.agent}</span>
        <span id="run-no">run ${s.run ?? "-"} of ${s.runs}</span>
        <span>${duration(liveDuration(s, now, loadedAt))}</span>
        <span>out ${age(s.lastOutputAt, now)}</span>
        ${s.loop && html`<span>${s.loop.done}/${s.loop.total} items</span>`}
        ${usage && html`<span class="usage">${usage}</span>`}
      </div>
      <div class="where">
        <code>${s.cwd ?? "-"}</code>${s.command && html` · <code>${s.command}</code>`}
      </div>
      ${
        s.diagnosis &&
        isProblem(s.diagnosis) &&
        html`<div class="diag"><b>${s.diagnosis.code}</b>: ${s.diagnosis.summary}</div>`
      }
      ${fix && !live && html`<div class="fix">fix: <code>${fix}</code></div>`}
      <${Actions} s=${s} base=${base} onDone=${load} />
    </section>
    <section class="term-box">
      <h3>Terminal ${termRun !== null && html`<small>run ${termRun}</small>`}</h3>
      <${Term} name=${name} onRun=${setTermRun} onConnected=${setConnected} />
      ${live && html`<${InputLine} base=${base} />`}
    </section>
    ${s.evidence && html`<${EvidenceView} s=${s} />`}
    ${s.loop?.items && html`<${LoopItems} s=${s} />`}
    ${hist && hist.iterations.length > 0 && html`<${Timeline} items=${hist.iterations} />`}
    ${hist && html`<${Runs} hist=${hist} />`}
    ${hist && hist.notifications.length > 0 && html`<${Notifications} hist=${hist} />`}
  `;
}

export function Top({ connected = true }: { connected?: boolean }) {
  return html`<header class="top">
    <h1><a href="/" onClick=${link("/")}>agentmux</a></h1>
    <a class="back" href="/" onClick=${link("/")}>← all sessions</a>
    <span class=${`conn ${connected ? "up" : "down"}`}
      >${connected ? "live" : "reconnecting…"}</span
    >
  </header>`;
}

function Term({
  name,
  onRun,
  onConnected,
}: {
  name: string;
  onRun: (n: number) => void;
  onConnected: (up: boolean) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let term: PaneTerminal | undefined;
    let gone = false;
    // xterm.js is a chunk of its own: the list page never loads it.
    void import("./terminal.js").then((m) => {
      if (gone || !ref.current) return;
      term = m.openTerminal(ref.current, name, onRun, onConnected);
    });
    return () => {
      gone = true;
      term?.dispose();
    };
  }, [name]);
  return html`<div class="term-scroll"><div class="term" id="terminal" ref=${ref}></div></div>`;
}

const CONFIRM: Record<Action, (s: Session) => string> = {
  kill: (s) =>
    `Kill run ${s.run ?? ""} of ${s.name}? Its agent gets TERM, then KILL after the grace period.`,
  restart: (s) =>
    isLive(s.state)
      ? `Restart ${s.name}? The running agent (run ${s.run ?? ""}) is killed first.`
      : `Restart ${s.name} as run ${s.runs + 1}?`,
  remove: (s) =>
    `Remove ${s.name}? Its dead pane is closed and it leaves the list (history is kept).`,
};

function Actions({ s, base, onDone }: { s: Session; base: string; onDone: () => Promise<void> }) {
  const [asking, setAsking] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const live = isLive(s.state);
  const act = async (a: Action): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api(`${base}/${a}`, {});
      setAsking(null);
      if (a === "remove") navigate("/");
      else await onDone();
    } catch (e) {
      setError(e instanceof ApiError ? `${e.message}${e.hint ? ` — ${e.hint}` : ""}` : String(e));
    } finally {
      setBusy(false);
    }
  };
  // Restarting a finished session destroys nothing: no question asked.
  const ask = (a: Action): void => {
    if (a === "restart" && !live) void act(a);
    else setAsking(a);
  };
  return html`<div class="actions">
    <button id="restart" onClick=${() => ask("restart")} disabled=${busy}>Restart</button>
    ${live && html`<button id="kill" class="danger" onClick=${() => ask("kill")} disabled=${busy}>Kill</button>`}
    ${!live && html`<button id="remove" class="danger" onClick=${() => ask("remove")} disabled=${busy}>Remove</button>`}
    ${
      asking &&
      html`<div class="confirm" role="alertdialog">
        <p>${CONFIRM[asking](s)}</p>
        <button id="confirm" class="danger" onClick=${() => void act(asking)} disabled=${busy}>
          ${busy ? "…" : `Yes, ${asking}`}
        </button>
        <button onClick=${() => setAsking(null)}>Cancel</button>
      </div>`
    }
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </div>`;
}

function InputLine({ base }: { base: string }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const send = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await api(`${base}/input`, { text });
      setText("");
      setError(null);
    } catch (x) {
      setError(x instanceof ApiError ? x.message : String(x));
    }
  };
  return html`<form class="input" onSubmit=${send}>
    <input
      id="input"
      value=${text}
      onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)}
      placeholder="type a line for the agent, Enter sends it"
      autocomplete="off"
    />
    <button>Send</button>
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </form>`;
}

function EvidenceView({ s }: { s: Session }) {
  const e = s.evidence;
  if (!e) return null;
  if (!e.isRepo)
    return html`<section>
      <h3>Evidence</h3>
      <p class="muted">not a git repository: nothing to verify</p>
    </section>`;
  const stat =
    typeof e.diffStat === "string"
      ? e.diffStat
      : e.diffStat
        ? `${e.diffStat.files ?? e.filesChanged.length} files, +${e.diffStat.insertions ?? 0} −${e.diffStat.deletions ?? 0}`
        : `${e.filesChanged.length} file(s) changed`;
  return html`<section class="evidence">
    <h3>
      Evidence
      <small>${`${e.startCommit?.slice(0, 8) ?? "?"} → ${e.headCommit?.slice(0, 8) ?? "?"}`}</small>
    </h3>
    <p>
      <b>${e.commits.length}</b> commit(s) · ${stat} · <b>${e.uncommitted.length}</b> uncommitted
    </p>
    ${
      e.commits.length > 0 &&
      html`<ul class="commits">
        ${e.commits.map((c) => html`<li><code>${c.sha.slice(0, 8)}</code> ${c.subject}</li>`)}
      </ul>`
    }
    ${
      e.filesChanged.length > 0 &&
      html`<details>
        <summary>files changed</summary>
        <ul class="files">
          ${e.filesChanged.map((f) => html`<li><code>${f}</code>${e.uncommitted.includes(f) ? " (uncommitted)" : ""}</li>`)}
        </ul>
      </details>`
    }
    ${
      e.prd?.ticks &&
      e.prd.ticks.length > 0 &&
      html`<ul class="ticks">
        ${e.prd.ticks.map((t) => html`<li class=${t.backed ? "ok" : "bad"}>${t.backed ? "✓" : "✗ no commit"} ${t.text}</li>`)}
      </ul>`
    }
  </section>`;
}

/** Text built in code: the template formatter may wrap a template's text, and htm drops a wrapped line's spaces. */
function itemsSummary(loop: NonNullable<Session["loop"]>): string {
  const now = loop.currentItem ? ` · now: ${loop.currentItem}` : "";
  return `${loop.done}/${loop.total} done · ${loop.failed} failed · ${loop.pending} to go${now}`;
}

function itemFacts(i: NonNullable<NonNullable<Session["loop"]>["items"]>[number]): string {
  return [
    `${i.attempts} attempt(s)`,
    `${i.commits} commit(s)`,
    i.checkPassed === null ? null : i.checkPassed ? "check passed" : "check failed",
    usageText(i.usage),
  ]
    .filter(Boolean)
    .join(" · ")
    .concat(i.reason && i.state !== "pending" ? ` — ${i.reason}` : "");
}

function LoopItems({ s }: { s: Session }) {
  const loop = s.loop;
  if (!loop?.items) return null;
  return html`<section class="loop">
    <h3>
      Items
      <small>${itemsSummary(loop)}</small>
    </h3>
    <ol class="items">
      ${loop.items.map(
        (i) =>
          html`<li class=${`item ${i.state}`}>
            <span class=${`badge ${i.state}`}>${i.state}</span> ${i.text}
            <div class="muted">${itemFacts(i)}</div>
          </li>`,
      )}
    </ol>
  </section>`;
}

/** The iterations as bars along time, coloured by outcome, widths by duration. */
function Timeline({ items }: { items: Iteration[] }) {
  const start = Math.min(...items.map((i) => Date.parse(i.startedAt)));
  const end = Math.max(...items.map((i) => (i.endedAt ? Date.parse(i.endedAt) : Date.now())));
  const span = Math.max(1, end - start);
  return html`<section class="timeline">
    <h3>Iterations <small>${items.length}</small></h3>
    <div class="bars">
      ${items.map((i) => {
        const from = Date.parse(i.startedAt);
        const to = i.endedAt ? Date.parse(i.endedAt) : Date.now();
        const left = ((from - start) / span) * 100;
        const width = Math.max(0.8, ((to - from) / span) * 100);
        return html`<div
          class="bar-row"
          title=${`${i.item} · attempt ${i.attempt} · ${i.outcome}${i.reason ? ` — ${i.reason}` : ""}`}
        >
          <span class="bar-label">#${i.itemIndex + 1}</span>
          <span class="bar-track"
            ><span
              class=${`bar ${i.outcome}`}
              style=${{ left: `${left}%`, width: `${width}%` }}
            ></span
          ></span>
          <span class="bar-text"
            >${[i.outcome, duration(i.durationMs), usageText(i.usage)].filter(Boolean).join(" · ")}</span
          >
        </div>`;
      })}
    </div>
  </section>`;
}

function Runs({ hist }: { hist: History }) {
  return html`<section class="runs">
    <h3>Runs</h3>
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th>run</th>
            <th>state</th>
            <th>exit</th>
            <th>started</th>
            <th>took</th>
            <th>verdict</th>
            <th>commits</th>
            <th>tokens</th>
            <th>diagnosis</th>
          </tr>
        </thead>
        <tbody>
          ${[...hist.runs].reverse().map(
            (r) =>
              html`<tr>
                <td>${r.run}</td>
                <td><span class=${`badge ${r.state}`}>${r.state}</span></td>
                <td>${r.exitCode ?? r.signal ?? "-"}</td>
                <td>${when(r.startedAt, Date.now())}</td>
                <td>
                  ${r.endedAt ? duration(Date.parse(r.endedAt) - Date.parse(r.startedAt)) : "…"}
                </td>
                <td>${r.verdict ?? "-"}</td>
                <td>${r.commits ?? "-"}</td>
                <td>${usageText(r.usage) ?? "-"}</td>
                <td>
                  ${isProblem(r.diagnosis) && r.diagnosis ? `${r.diagnosis.code}: ${r.diagnosis.summary}` : ""}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function Notifications({ hist }: { hist: History }) {
  return html`<section class="notifications">
    <h3>Notifications</h3>
    <ul>
      ${hist.notifications.map(
        (n) =>
          html`<li>
            <span class=${`badge ${n.state}`}>${n.state}</span>
            ${` run ${n.run} · ${n.channel} · ${n.attempts} attempt(s)${n.deliveredAt ? ` · delivered ${when(n.deliveredAt, Date.now())}` : ""}`}
            ${n.lastError ? html`<span class="error">${` · ${n.lastError}`}</span>` : ""}
          </li>`,
      )}
    </ul>
  </section>`;
}
