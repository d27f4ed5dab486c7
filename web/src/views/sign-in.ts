// Sign-in: paste a bearer token, or (on a development server) mint one for a tenant.

import { announce, errorMessage, h } from "../dom.ts";
import type { View } from "../main.ts";
import { claims, mintDevToken, serverSession, setToken } from "../session.ts";

/** Each role includes the ones before it (gateway/policy.ts). */
const ROLES = [
  ["uploader", "Uploader: upload, browse, search"],
  ["reviewer", "Reviewer: also the review queue"],
  ["admin", "Admin: everything"],
] as const;

export const signInView: View = (main, params) => {
  const next = params.get("next") || "#/documents";
  const done = (token: string) => {
    setToken(token);
    announce(`Signed in as ${claims(token)?.sub ?? "?"} (tenant ${claims(token)?.tenant ?? "?"})`);
    location.hash = next;
  };
  const error = h("p", { class: "state error", role: "alert", hidden: true });
  const showError = (message: string) => {
    error.hidden = false;
    error.textContent = message;
  };

  const pasted = h("textarea", { id: "token", rows: 4, spellcheck: "false", required: true });
  const paste = h(
    "form",
    {
      class: "card",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const value = pasted.value.trim();
        if (!claims(value)?.tenant)
          return showError("That is not a token with a tenant claim (a JWT: xxx.yyy.zzz).");
        done(value);
      },
    },
    h("h2", {}, "Paste a token"),
    h("label", { for: "token" }, "Bearer token"),
    pasted,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
  );

  const mintCard = h("div");
  main.replaceChildren(h("h1", {}, "Sign in"), error, paste, mintCard);

  void serverSession().then((session) => {
    if (session.auth === "none") {
      mintCard.replaceChildren(
        h(
          "div",
          { class: "card" },
          h("p", {}, "This server is single-tenant (DOCMESH_AUTH=none): no token is needed."),
          h("a", { class: "button primary", href: next }, "Continue"),
        ),
      );
      return;
    }
    if (!session.devTokens) return;
    const tenant = h("input", { id: "tenant", value: "acme", required: true, autocomplete: "off" });
    const boxes = ROLES.map(([role, text]) =>
      h(
        "label",
        { class: "inline" },
        h("input", { type: "radio", name: "role", value: role, checked: role === "reviewer" }),
        ` ${text}`,
      ),
    );
    mintCard.replaceChildren(
      h(
        "form",
        {
          class: "card",
          onsubmit: async (event: Event) => {
            event.preventDefault();
            const roles = boxes
              .map((b) => b.querySelector("input") as HTMLInputElement)
              .filter((b) => b.checked)
              .map((b) => b.value);
            try {
              done(await mintDevToken(tenant.value.trim(), roles));
            } catch (e) {
              showError(errorMessage(e));
            }
          },
        },
        h("h2", {}, "Development: mint a token"),
        h(
          "p",
          { class: "hint" },
          "This embedded server trusts the repository's development key, so it can sign a token for any tenant.",
        ),
        h("label", { for: "tenant" }, "Tenant"),
        tenant,
        h("fieldset", {}, h("legend", {}, "Role"), ...boxes),
        h("button", { type: "submit", class: "primary", id: "mint" }, "Mint and sign in"),
      ),
    );
  });
  return undefined;
};
