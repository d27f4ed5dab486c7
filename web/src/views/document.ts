// One document: what it is, its extracted fields with confidences, each field's source drawn as a
// box on its page (from the grounding page + normalised box) over the rendered original, the
// change history, and actions.

import type { Document } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { metadata, progress } from "../clients.ts";
import { announce, empty, errorMessage, failure, h, loading, replace } from "../dom.ts";
import { type FieldRow, fieldRows } from "../fields.ts";
import { bytes, categoryLabel, idOf, percent, statusClass, statusLabel, TERMINAL, when } from "../labels.ts";
import type { View } from "../main.ts";
import { drawable, loadOriginal, type Original } from "../original.ts";

/** PDF pages drawn at most: enough for the documents Docmesh reads, bounded for huge ones. */
const MAX_RENDERED_PAGES = 20;
/** The original on screen, released (pdf.js worker, blob URL) when the page goes or re-renders. */
let shown: Original | undefined;
const release = () => {
  shown?.close();
  shown = undefined;
};

export const documentView: View = (main, _params, id) => {
  const name = `documents/${id}`;
  const watch = new AbortController();
  main.replaceChildren(loading("the document"));

  const show = async () => {
    try {
      const { document } = await metadata.getDocument({ name });
      if (!document) throw new Error("the server returned no document");
      render(main, document, show);
      if (!TERMINAL.has(document.status)) void follow(document);
    } catch (error) {
      replace(
        main,
        h("h1", {}, "Document"),
        failure(error, () => void show()),
      );
    }
  };
  // While the pipeline works on it, the page follows its progress and reloads when it settles.
  const follow = async (document: Document) => {
    try {
      for await (const message of progress.watchDocument(
        { name, afterSequence: document.sequence },
        { signal: watch.signal },
      )) {
        if (message.message.case === "update" && message.message.value.terminal) {
          await show();
          return;
        }
      }
    } catch {
      // Leaving the page aborts the stream; a dropped stream leaves the page as it was.
    }
  };
  void show();
  return () => {
    watch.abort();
    release();
  };
};

function render(main: HTMLElement, document: Document, reload: () => Promise<void>): void {
  const rows = fieldRows(document.fields);
  const reasons = new Map(document.reviewReasons.map((r) => [r.field, r]));
  const pages = pagesWithBoxes(rows, document.pageCount);
  const source = h(
    "section",
    { "aria-labelledby": "source-title", class: "source" },
    h("h2", { id: "source-title" }, "Where each value was read"),
    drawable(document.mediaType) ? loading("the original") : outline(pages, rows),
  );
  const history = h(
    "section",
    { "aria-labelledby": "history-title" },
    h("h2", { id: "history-title" }, "Change history"),
    loading("the history"),
  );

  main.replaceChildren(
    h(
      "div",
      { class: "doc-head" },
      h("h1", {}, document.fileName || document.name),
      h(
        "div",
        { class: "actions" },
        (document.status === DocumentStatus.NEEDS_REVIEW || document.status === DocumentStatus.PARTIAL) &&
          h("a", { class: "button primary", href: `#/review?document=${idOf(document.name)}` }, "Review"),
        h(
          "button",
          { type: "button", id: "reprocess", onclick: () => void reprocess(document, reload) },
          "Reprocess",
        ),
        h(
          "button",
          { type: "button", class: "danger", id: "delete", onclick: () => void remove(document) },
          "Delete",
        ),
      ),
    ),
    h(
      "dl",
      { class: "facts" },
      fact(
        "Status",
        h("span", { class: statusClass(document.status), id: "doc-status" }, statusLabel(document.status)),
      ),
      fact(
        "Category",
        `${categoryLabel(document.category)}${document.categoryConfidence ? ` (${percent(document.categoryConfidence)})` : ""}`,
      ),
      fact(
        "Type",
        `${document.mediaType} · ${bytes(document.sizeBytes)}${document.pageCount ? ` · ${document.pageCount} page(s)` : ""}`,
      ),
      fact("Uploaded", when(document.createTime)),
      fact("Updated", `${when(document.updateTime)}${document.updatedBy ? ` by ${document.updatedBy}` : ""}`),
      document.batch &&
        fact(
          "Batch",
          h(
            "a",
            { href: `#/documents?batch=${encodeURIComponent(document.batch)}` },
            idOf(document.batch).slice(0, 8),
          ),
        ),
      document.failureReason && fact("Failure", h("span", { class: "error-text" }, document.failureReason)),
    ),
    h(
      "div",
      { class: "doc-body" },
      h(
        "section",
        { "aria-labelledby": "fields-title", class: "fields" },
        h("h2", { id: "fields-title" }, "Extracted fields"),
        rows.length === 0
          ? empty(TERMINAL.has(document.status) ? "No fields were extracted." : "Not extracted yet.")
          : fieldTable(rows, reasons),
        document.missingFields.length > 0 &&
          h("p", { class: "hint" }, `Missing: ${document.missingFields.join(", ")}`),
      ),
      source,
    ),
    history,
  );
  release();
  if (drawable(document.mediaType)) void showOriginal(source, document, rows, pages);
  void loadHistory(history, document.name);
}

function outline(pages: number[], rows: FieldRow[]): HTMLElement[] {
  return pages.length === 0
    ? [empty("No field carries a position on a page (text without layout, or e-invoice XML).")]
    : pages.map((page) => pageFigure(page, rows));
}

/** Replaces the loading state with the original's pages, boxes on top; the outline if it fails. */
async function showOriginal(section: HTMLElement, doc: Document, rows: FieldRow[], pages: number[]) {
  const title = section.querySelector("h2") as HTMLElement;
  try {
    const original = await loadOriginal(doc.name);
    if (!section.isConnected) return original.close();
    shown = original;
    if (original.kind === "image") {
      const img = h("img", { src: original.url, alt: `${doc.fileName}, as uploaded` });
      replace(section, title, pageFigure(1, rows, img));
      return;
    }
    const count = Math.min(original.pageCount, MAX_RENDERED_PAGES);
    const canvases = Array.from({ length: count }, () => h("canvas", { "aria-hidden": "true" }));
    replace(
      section,
      title,
      ...canvases.map((canvas, i) => pageFigure(i + 1, rows, canvas)),
      original.pageCount > count &&
        h("p", { class: "hint" }, `Pages ${count + 1}–${original.pageCount} not shown.`),
    );
    const width = section.clientWidth || 600;
    for (const [i, canvas] of canvases.entries()) await original.render(i + 1, canvas, width);
  } catch (error) {
    replace(
      section,
      title,
      h("p", { class: "hint" }, `The original could not be shown (${errorMessage(error)}).`),
      ...outline(pages, rows),
    );
  }
}

function fact(term: string, value: Node | string): HTMLElement[] {
  return [h("dt", {}, term), h("dd", {}, value)] as HTMLElement[];
}

function fieldTable(rows: FieldRow[], reasons: Map<string, { confidence: number }>): HTMLElement {
  return h(
    "table",
    { class: "grid", id: "fields-table" },
    h("caption", { class: "visually-hidden" }, "Extracted fields"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Field"),
        h("th", { scope: "col" }, "Value"),
        h("th", { scope: "col" }, "Confidence"),
        h("th", { scope: "col" }, "Source"),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((row) =>
        h(
          "tr",
          {
            "data-path": row.path,
            class:
              reasons.has(row.path.split(".").slice(1).join(".")) || reasons.has(row.path) ? "doubtful" : "",
            onmouseenter: () => highlight(row.path, true),
            onmouseleave: () => highlight(row.path, false),
          },
          h("th", { scope: "row" }, row.label),
          h("td", { class: "value" }, row.missing ? h("span", { class: "hint" }, "missing") : row.value),
          h("td", {}, row.missing ? "—" : confidenceBar(row.confidence)),
          h(
            "td",
            { class: "hint" },
            row.grounding
              ? `p. ${row.grounding.page}${row.grounding.text ? ` · “${row.grounding.text.slice(0, 60)}”` : ""}`
              : "—",
          ),
        ),
      ),
    ),
  );
}

export function confidenceBar(confidence: number): HTMLElement {
  const level = confidence >= 0.8 ? "high" : confidence >= 0.5 ? "medium" : "low";
  return h(
    "span",
    { class: `confidence ${level}` },
    h("meter", { min: 0, max: 1, value: confidence, "aria-label": `confidence ${percent(confidence)}` }),
    ` ${percent(confidence)}`,
  );
}

function highlight(path: string, on: boolean): void {
  for (const box of document.querySelectorAll(`[data-box="${CSS.escape(path)}"]`))
    box.classList.toggle("active", on);
}

function pagesWithBoxes(rows: FieldRow[], pageCount: number): number[] {
  const pages = new Set<number>();
  for (const row of rows)
    if (row.grounding?.boundingBox && row.grounding.page > 0) pages.add(row.grounding.page);
  return [...pages].filter((p) => pageCount === 0 || p <= pageCount).sort((a, b) => a - b);
}

/**
 * One page with each field's box where it was read (fractions of the page, origin top-left): over
 * the rendered original when there is one, else on an outline (A4 proportions) labelled with the
 * source line.
 */
function pageFigure(page: number, rows: FieldRow[], original?: HTMLElement): HTMLElement {
  const onPage = rows.filter((r) => r.grounding?.page === page && r.grounding.boundingBox);
  return h(
    "figure",
    { class: "page" },
    h(
      "div",
      {
        class: original ? "sheet original" : "sheet",
        role: "img",
        "aria-label": `Page ${page}${original ? " of the original" : ""} with ${onPage.length} field box(es)`,
      },
      original,
      onPage.map((row) => {
        const box = row.grounding?.boundingBox;
        if (!box) return null;
        return h(
          "div",
          {
            class: "box",
            "data-box": row.path,
            title: `${row.label}: ${row.value}`,
            style: `left:${box.x * 100}%;top:${box.y * 100}%;width:${box.width * 100}%;height:${Math.max(box.height, 0.012) * 100}%`,
          },
          h("span", {}, row.label),
          h("small", {}, row.grounding?.text ?? ""),
        );
      }),
    ),
    h("figcaption", {}, `Page ${page}`),
  );
}

async function loadHistory(section: HTMLElement, name: string): Promise<void> {
  const title = section.querySelector("h2") as HTMLElement;
  try {
    const { changes } = await metadata.listDocumentChanges({ name, pageSize: 50 });
    if (changes.length === 0) {
      replace(section, title, empty("No changes since it was processed."));
      return;
    }
    replace(
      section,
      title,
      h(
        "ol",
        { class: "history" },
        changes.map((change) =>
          h(
            "li",
            {},
            h("strong", {}, change.actor || "someone"),
            ` · ${when(change.changeTime)} · changed ${change.changedPaths.join(", ") || "—"}`,
            change.reason && h("span", { class: "hint" }, ` — “${change.reason}”`),
          ),
        ),
      ),
    );
  } catch (error) {
    replace(
      section,
      title,
      failure(error, () => void loadHistory(section, name)),
    );
  }
}

async function reprocess(document: Document, reload: () => Promise<void>): Promise<void> {
  try {
    await metadata.reprocessDocument({ name: document.name });
    announce("Sent back through the pipeline.");
    await reload();
  } catch (error) {
    announce(`Reprocess failed: ${errorMessage(error)}`, "error");
  }
}

async function remove(document: Document): Promise<void> {
  if (!window.confirm(`Delete ${document.fileName}? Its original, index entries and history go too.`)) return;
  try {
    await metadata.deleteDocument({ name: document.name, etag: document.etag });
    announce(`${document.fileName} deleted.`);
    location.hash = "#/documents";
  } catch (error) {
    announce(`Delete failed: ${errorMessage(error)}`, "error");
  }
}
