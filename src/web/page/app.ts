import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { forgetToken, setToken, takeToken, whenUnauthorized } from "./api.js";
import { html } from "./html.js";
import { ListPage } from "./list.js";
import { RemoteSessionPage } from "./remote-session.js";
import { SessionPage } from "./session.js";

function App() {
  const [token, setTok] = useState(takeToken());
  const [refused, setRefused] = useState(false);
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = (): void => setPath(location.pathname);
    addEventListener("popstate", onPop);
    whenUnauthorized(() => {
      forgetToken();
      setRefused(true);
      setTok(null);
    });
    return () => removeEventListener("popstate", onPop);
  }, []);
  if (!token) {
    return html`<${SignIn}
      refused=${refused}
      onToken=${(t: string) => {
        setToken(t);
        setRefused(false);
        setTok(t);
      }}
    />`;
  }
  const remote = /^\/h\/([^/]+)\/s\/([^/]+)$/.exec(path);
  if (remote) {
    const host = decodeURIComponent(remote[1] ?? "");
    const name = decodeURIComponent(remote[2] ?? "");
    return html`<${RemoteSessionPage} key=${`${host}/${name}`} host=${host} name=${name} />`;
  }
  if (path.startsWith("/s/")) {
    const name = decodeURIComponent(path.slice(3));
    return html`<${SessionPage} key=${name} name=${name} />`;
  }
  return html`<${ListPage} />`;
}

/** No token in this tab: say where it comes from. */
function SignIn({ refused, onToken }: { refused: boolean; onToken: (t: string) => void }) {
  const submit = (e: Event): void => {
    e.preventDefault();
    const v = new FormData(e.target as HTMLFormElement).get("token");
    const m = typeof v === "string" ? /(?:token=)?([A-Za-z0-9_-]{20,})\s*$/.exec(v.trim()) : null;
    if (m?.[1]) onToken(m[1]);
  };
  return html`<section class="signin" id="signin">
    <h1>agentmux</h1>
    <p>
      ${refused ? "The token was refused: the server was restarted or the link is old." : "This page needs the token that agentmux web printed."}
    </p>
    <p>
      Open the full URL from the terminal where you ran <code>agentmux web</code> — it ends in
      <code>#token=…</code> — or paste it here:
    </p>
    <form onSubmit=${submit}>
      <input
        name="token"
        placeholder="http://127.0.0.1:7787/#token=…"
        autocomplete="off"
        aria-label="URL or token"
      />
      <button class="primary">Sign in</button>
    </form>
    <p class="muted">
      The token stays in this tab (never in a cookie) and changes every time agentmux web starts.
    </p>
  </section>`;
}

const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(html`<${App} />`, root);
}
