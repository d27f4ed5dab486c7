// A few DOM helpers, so the views stay declarative without a framework.

type Child = Node | string | number | false | null | undefined;
type Attributes = Record<string, string | number | boolean | EventListener | undefined>;

/** h("button", { class: "primary", onclick: go }, "Save") */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  append(element, children.flat());
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** The three states every data view shows before (or instead of) its data. */
export function loading(what: string): HTMLElement {
  return h("p", { class: "state loading", role: "status" }, `Loading ${what}…`);
}

export function empty(message: string, ...hint: Child[]): HTMLElement {
  return h("div", { class: "state empty", role: "status" }, h("p", {}, message), ...hint);
}

export function failure(error: unknown, retry?: () => void): HTMLElement {
  return h(
    "div",
    { class: "state error", role: "alert" },
    h("p", {}, errorMessage(error)),
    retry && h("button", { type: "button", onclick: retry }, "Try again"),
  );
}

/** A Connect error's message names the code ("[not_found] …"); other errors their message. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A transient message for the screen reader and the eye. */
export function announce(message: string, kind: "info" | "error" = "info"): void {
  const region = document.getElementById("toast");
  if (!region) return;
  region.className = `toast ${kind}`;
  region.textContent = message;
  window.setTimeout(() => {
    if (region.textContent === message) region.textContent = "";
  }, 6000);
}
