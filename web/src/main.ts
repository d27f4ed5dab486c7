// The console shell: a header with the screens, and a hash router (#/documents, #/documents/<id>, …)
// so the API process serves one index.html for every screen.

import "./style.css";
import { h, replace } from "./dom.ts";
import { claims, serverSession, setToken, signedIn } from "./session.ts";
import { documentView } from "./views/document.ts";
import { documentsView } from "./views/documents.ts";
import { failedView } from "./views/failed.ts";
import { reviewView } from "./views/review.ts";
import { signInView } from "./views/sign-in.ts";
import { uploadView } from "./views/upload.ts";

/** A screen renders into `main`; what it returns is called when the screen is left. */
export type View = (main: HTMLElement, params: URLSearchParams, id?: string) => (() => void) | undefined;

const SCREENS: { path: string; title: string; view: View }[] = [
  { path: "upload", title: "Upload", view: uploadView },
  { path: "documents", title: "Documents", view: documentsView },
  { path: "review", title: "Review", view: reviewView },
  { path: "failed", title: "Failed", view: failedView },
];

const main = h("main", { id: "main", tabindex: "-1" });
const nav = h("nav", { "aria-label": "Screens" });
const who = h("div", { class: "who" });
let leave: (() => void) | undefined;

function shell(): void {
  document.body.replaceChildren(
    h("a", { class: "skip", href: "#main" }, "Skip to content"),
    h("header", {}, h("a", { class: "brand", href: "#/documents" }, "Docmesh"), nav, who),
    main,
    h("div", { id: "toast", class: "toast", role: "status", "aria-live": "polite" }),
  );
}

async function route(): Promise<void> {
  leave?.();
  leave = undefined;
  const [path = "", query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const [screen = "", id] = path.split("/");
  const params = new URLSearchParams(query);
  const session = await serverSession();
  const authed = await signedIn();

  replace(
    nav,
    ...SCREENS.map((s) =>
      h("a", { href: `#/${s.path}`, "aria-current": s.path === screen ? "page" : undefined }, s.title),
    ),
  );
  const identity = claims();
  replace(
    who,
    session.auth === "none"
      ? h("span", {}, "Single-tenant server (no sign-in)")
      : identity
        ? h(
            "span",
            {},
            `${identity.sub ?? "?"} · tenant ${identity.tenant ?? "?"}`,
            identity.roles?.length ? ` · ${identity.roles.join(", ")}` : "",
          )
        : "",
    session.auth === "jwt" &&
      identity &&
      h(
        "button",
        {
          type: "button",
          class: "link",
          onclick: () => {
            setToken(undefined);
            location.hash = "#/sign-in";
          },
        },
        "Sign out",
      ),
  );

  if (!authed && screen !== "sign-in") {
    location.hash = `#/sign-in?next=${encodeURIComponent(location.hash)}`;
    return;
  }
  const found = SCREENS.find((s) => s.path === screen);
  const view = screen === "sign-in" ? signInView : found?.view;
  if (!view) {
    location.hash = "#/documents";
    return;
  }
  if (screen === "documents" && id) {
    document.title = "Document · Docmesh";
    leave = documentView(main, params, decodeURIComponent(id)) ?? undefined;
  } else {
    document.title = `${found?.title ?? "Sign in"} · Docmesh`;
    leave = view(main, params) ?? undefined;
  }
}

shell();
window.addEventListener("hashchange", () => void route());
void route();
