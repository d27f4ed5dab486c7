// Documents: the list with filters (status, category, batch, upload dates), and search over the
// same filters with a mode switch (keyword, semantic, hybrid) and the matches highlighted.
// The filters live in the URL (#/documents?q=…&mode=…&status=…), so a view can be linked and reloaded.

import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Document } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { type DocumentFilter, DocumentFilterSchema } from "../../../gen/docmesh/document/v1/filter_pb.ts";
import { SearchMode, type SearchResult } from "../../../gen/docmesh/search/v1/search_service_pb.ts";
import { metadata, search } from "../clients.ts";
import { empty, failure, h, loading, replace } from "../dom.ts";
import {
  bytes,
  CATEGORIES,
  categoryLabel,
  idOf,
  STATUSES,
  statusClass,
  statusLabel,
  when,
} from "../labels.ts";
import type { View } from "../main.ts";

const PAGE_SIZE = 25;

export const documentsView: View = (main, params) => {
  const form = filterForm(params);
  const results = h("section", { id: "results", "aria-label": "Results", "aria-live": "polite" });
  main.replaceChildren(h("h1", {}, "Documents"), form, results);
  void load(results, params, "");
  return undefined;
};

function filterForm(params: URLSearchParams): HTMLFormElement {
  const select = (id: string, label: string, options: [string, string][], value: string) =>
    h(
      "div",
      { class: "control" },
      h("label", { for: id }, label),
      h(
        "select",
        { id, name: id },
        options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
      ),
    );
  const input = (
    id: string,
    label: string,
    type: string,
    value: string,
    extra: Record<string, string> = {},
  ) =>
    h(
      "div",
      { class: "control" },
      h("label", { for: id }, label),
      h("input", { id, name: id, type, value, ...extra }),
    );
  return h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        const next = new URLSearchParams();
        for (const [key, value] of data)
          if (typeof value === "string" && value.trim()) next.set(key, value.trim());
        location.hash = `#/documents?${next}`;
      },
    },
    h(
      "div",
      { class: "control grow" },
      h("label", { for: "q" }, "Search"),
      h("input", {
        id: "q",
        name: "q",
        type: "search",
        value: params.get("q") ?? "",
        placeholder: "invoice total, a supplier, a number…",
      }),
    ),
    select(
      "mode",
      "Mode",
      [
        ["hybrid", "Hybrid"],
        ["keyword", "Keyword"],
        ["semantic", "Semantic"],
      ],
      params.get("mode") ?? "hybrid",
    ),
    select(
      "status",
      "Status",
      [["", "Any status"], ...STATUSES.map((s): [string, string] => [String(s), statusLabel(s)])],
      params.get("status") ?? "",
    ),
    select(
      "category",
      "Category",
      [["", "Any category"], ...CATEGORIES.map((c): [string, string] => [String(c), categoryLabel(c)])],
      params.get("category") ?? "",
    ),
    input("batch", "Batch", "text", params.get("batch") ?? "", { placeholder: "batches/…", size: "20" }),
    input("from", "Uploaded from", "date", params.get("from") ?? ""),
    input("to", "Uploaded until", "date", params.get("to") ?? ""),
    h("div", { class: "control actions" }, h("button", { type: "submit", class: "primary" }, "Apply")),
  );
}

export function filterFrom(params: URLSearchParams): DocumentFilter {
  const status = params.get("status");
  const category = params.get("category");
  const from = params.get("from");
  const to = params.get("to");
  return create(DocumentFilterSchema, {
    statuses: status ? [Number(status)] : [],
    categories: category ? [Number(category)] : [],
    batch: params.get("batch") ?? "",
    createTimeAfter: from ? timestampFromDate(new Date(`${from}T00:00:00`)) : undefined,
    createTimeBefore: to ? timestampFromDate(new Date(`${to}T23:59:59.999`)) : undefined,
  });
}

const MODES: Record<string, SearchMode> = {
  hybrid: SearchMode.HYBRID,
  keyword: SearchMode.KEYWORD,
  semantic: SearchMode.SEMANTIC,
};

async function load(area: HTMLElement, params: URLSearchParams, pageToken: string): Promise<void> {
  const query = params.get("q") ?? "";
  const more = h("div", { class: "more" });
  if (!pageToken) replace(area, loading(query ? "search results" : "documents"));
  try {
    const filter = filterFrom(params);
    let rows: HTMLElement[];
    let next: string;
    let summary: string;
    if (query) {
      const response = await search.searchDocuments({
        query,
        mode: MODES[params.get("mode") ?? "hybrid"] ?? SearchMode.HYBRID,
        filter,
        pageSize: PAGE_SIZE,
        pageToken,
      });
      rows = response.results.map(resultCard);
      next = response.nextPageToken;
      summary = `${response.results.length} result${response.results.length === 1 ? "" : "s"} for “${query}”`;
    } else {
      const response = await metadata.listDocuments({ pageSize: PAGE_SIZE, pageToken, filter });
      rows = response.documents.map(documentCard);
      next = response.nextPageToken;
      summary = `${response.totalSize} document${response.totalSize === 1n ? "" : "s"}`;
    }
    if (!pageToken) {
      if (rows.length === 0) {
        replace(
          area,
          empty(
            query ? "Nothing matches this search." : "No documents match these filters.",
            h("a", { href: "#/upload" }, "Upload some documents"),
          ),
        );
        return;
      }
      replace(
        area,
        h("p", { class: "summary", id: "results-summary" }, summary),
        h("ol", { class: "cards" }),
      );
    }
    area.querySelector("ol")?.append(...rows.map((row) => h("li", {}, row)));
    area.querySelector(".more")?.remove();
    if (next) {
      more.append(h("button", { type: "button", onclick: () => void load(area, params, next) }, "Load more"));
      area.append(more);
    }
  } catch (error) {
    replace(
      area,
      failure(error, () => void load(area, params, pageToken)),
    );
  }
}

function docLink(document: Document): HTMLElement {
  return h(
    "a",
    { href: `#/documents/${idOf(document.name)}`, class: "title" },
    document.fileName || document.name,
  );
}

function meta(document: Document): HTMLElement {
  return h(
    "p",
    { class: "meta" },
    h("span", { class: statusClass(document.status) }, statusLabel(document.status)),
    ` ${categoryLabel(document.category)} · ${bytes(document.sizeBytes)} · ${when(document.createTime)}`,
  );
}

function documentCard(document: Document): HTMLElement {
  return h("article", { class: "card doc" }, docLink(document), meta(document));
}

function resultCard(result: SearchResult): HTMLElement {
  const document = result.document;
  if (!document) return h("article", { class: "card" }, "(a result without its document)");
  return h(
    "article",
    { class: "card doc" },
    docLink(document),
    meta(document),
    h(
      "dl",
      { class: "highlights" },
      result.highlights.flatMap((highlight) => [
        h("dt", {}, highlight.field),
        h("dd", {}, snippet(highlight.snippet)),
      ]),
    ),
    h("p", { class: "score" }, `score ${result.score.toFixed(3)}`),
  );
}

/** A snippet's <em> matches as <mark>, everything else as text (the markup is never injected). */
export function snippet(html: string): DocumentFragment {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const out = document.createDocumentFragment();
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "EM") out.append(h("mark", {}, node.textContent ?? ""));
    else out.append(node.textContent ?? "");
  }
  return out;
}
