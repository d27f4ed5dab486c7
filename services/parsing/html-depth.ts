/**
 * A linear scan for how deeply the elements of an HTML document nest, done before html-to-text.
 * Its parser (htmlparser2) keeps open elements with Array.unshift, which is quadratic in the
 * depth, and html-to-text then walks the tree recursively: 200 000 nested tags took 14 s to die
 * with "Maximum call stack size exceeded". Real pages nest a few dozen deep.
 */

/** Deeper than this is refused (Chromium's tree builder stops nesting at 512). */
export const MAX_HTML_DEPTH = 1000;

const VOID = new Set("area base br col embed hr img input link meta param source track wbr".split(" "));
/** Elements the HTML parser closes implicitly when a sibling opens: repeating them does not nest. */
const IMPLIED_END = new Set(
  "p li dt dd td th tr option optgroup rb rt rp thead tbody tfoot colgroup".split(" "),
);
/** Elements whose content is text, not markup. */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "plaintext"]);

/** The deepest element nesting in `html`, counted the way a tolerant parser would roughly see it. */
export function htmlNestingDepth(html: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let i = html.indexOf("<");
  while (i >= 0 && i < html.length) {
    const next = html.charCodeAt(i + 1);
    if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
      const end = html.startsWith("<!--", i) ? html.indexOf("-->", i + 4) : html.indexOf(">", i + 2);
      if (end < 0) break;
      i = html.indexOf("<", end + 1);
      continue;
    }
    const closing = next === 0x2f; /* / */
    const nameStart = closing ? i + 2 : i + 1;
    let nameEnd = nameStart;
    while (nameEnd < html.length && isNameChar(html.charCodeAt(nameEnd))) nameEnd++;
    const tagEnd = html.indexOf(">", nameEnd);
    if (tagEnd < 0) break;
    const name = html.slice(nameStart, nameEnd).toLowerCase();
    if (name.length > 0 && !VOID.has(name) && !IMPLIED_END.has(name)) {
      if (closing) depth = Math.max(0, depth - 1);
      else if (html.charCodeAt(tagEnd - 1) !== 0x2f) {
        depth++;
        if (depth > max) max = depth;
        if (max > stopAbove) return max;
      }
    }
    if (!closing && RAW_TEXT.has(name)) {
      const close = indexOfEndTag(html, name, tagEnd + 1);
      if (close < 0) break;
      depth = Math.max(0, depth - 1);
      i = html.indexOf("<", html.indexOf(">", close) + 1);
      continue;
    }
    i = html.indexOf("<", tagEnd + 1);
  }
  return max;
}

/** Where `</name` next starts (any case), or -1. Linear: each candidate `</` is looked at once. */
export function indexOfEndTag(html: string, name: string, from: number): number {
  for (let p = html.indexOf("</", from); p >= 0; p = html.indexOf("</", p + 2)) {
    if (html.slice(p + 2, p + 2 + name.length).toLowerCase() === name) return p;
  }
  return -1;
}

function isNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d ||
    c === 0x3a
  );
}
