import { ParseError } from "./errors.ts";
import type { FormatBudget, FormatResult } from "./format.ts";
import { collectPages, TextBuilder } from "./office-text.ts";
import { OfficePackage } from "./package.ts";
import { walkXml, xmlAttr } from "./xml.ts";

/**
 * The text of a DrawingML part (a slide, its notes, a SmartArt data part): the `a:t` runs of each
 * `a:p` paragraph, `a:br` as a line break, table rows as tab-separated cells. Slide-number fields
 * are left out (a notes page repeats the number), and so is the `mc:Fallback` branch of markup
 * compatibility blocks (it repeats the `mc:Choice` content for older readers).
 */
function drawingText(xml: string, what: string): string {
  const out = new TextBuilder();
  let inRun = 0;
  let inSlideNumber = false;
  let inFallback = 0;
  walkXml(
    xml,
    {
      open(name, attrs) {
        if (inFallback > 0 || name === "Fallback") inFallback++;
        else if (name === "t") inRun++;
        else if (name === "br") out.newline();
        else if (name === "fld") inSlideNumber = xmlAttr(attrs, "type") === "slidenum";
        else if (name === "tr") out.startRow();
        else if (name === "tc") out.startCell();
      },
      close(name) {
        if (inFallback > 0) inFallback--;
        else if (name === "t") inRun--;
        else if (name === "p") out.newline();
        else if (name === "fld") inSlideNumber = false;
        else if (name === "tr") out.endRow();
        else if (name === "tc") out.endCell();
      },
      text(s) {
        if (inRun > 0 && !inSlideNumber) out.text(s);
      },
    },
    what,
  );
  return out.takePage();
}

/**
 * PPTX: one page per slide, in the order of the presentation's slide list (`p:sldIdLst`, resolved
 * through the presentation part's relationships), so page N is slide N. A page holds the slide's
 * text, then its SmartArt text, then its speaker notes; a slide without text is an empty page.
 * Charts and embedded objects are not read. The ZIP goes through the DOCX/EPUB bomb guard first.
 */
export function parsePptx(bytes: Uint8Array, budget: FormatBudget): FormatResult {
  const pkg = new OfficePackage(bytes, budget, "pptx");
  const main = pkg.related("", "officeDocument") ?? "ppt/presentation.xml";
  if (!pkg.has(main)) throw new ParseError("malformed", "pptx: no presentation part");
  const rels = pkg.relationships(main);
  const slides: string[] = [];
  walkXml(
    pkg.text(main),
    {
      open(name, attrs) {
        const target = name === "sldId" ? rels.get(xmlAttr(attrs, "id", true) ?? "")?.target : undefined;
        if (target && pkg.has(target)) slides.push(target);
      },
    },
    `pptx: ${main}`,
  );
  const pages = collectPages(
    slides,
    (slide) => slide,
    (slide) => {
      const related = [...pkg.relationships(slide).values()];
      const extra = [
        ...related.filter((r) => r.type.endsWith("/diagramData")),
        ...related.filter((r) => r.type.endsWith("/notesSlide")),
      ].filter((r) => pkg.has(r.target));
      return [slide, ...extra.map((r) => r.target)]
        .map((part) => drawingText(pkg.text(part), `pptx: ${part}`))
        .filter((text) => text.length > 0)
        .join("\n\n");
    },
  );
  return { pages, ocr: false };
}
