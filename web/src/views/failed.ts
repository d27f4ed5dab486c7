// Failed documents: why each failed, and a button that sends it through the pipeline again.

import { create } from "@bufbuild/protobuf";
import { type Document, DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { DocumentFilterSchema } from "../../../gen/docmesh/document/v1/filter_pb.ts";
import { metadata } from "../clients.ts";
import { announce, empty, errorMessage, failure, h, loading, replace } from "../dom.ts";
import { idOf, when } from "../labels.ts";
import type { View } from "../main.ts";

export const failedView: View = (main) => {
  const list = h("section", { "aria-label": "Failed documents", "aria-live": "polite" });
  main.replaceChildren(h("h1", {}, "Failed documents"), list);

  const load = async () => {
    replace(list, loading("failed documents"));
    try {
      const { documents, totalSize } = await metadata.listDocuments({
        pageSize: 100,
        filter: create(DocumentFilterSchema, { statuses: [DocumentStatus.FAILED] }),
      });
      if (documents.length === 0) {
        replace(list, empty("No failed documents."));
        return;
      }
      replace(
        list,
        h("p", { class: "summary" }, `${totalSize} failed`),
        h(
          "table",
          { class: "grid", id: "failed-table" },
          h("caption", { class: "visually-hidden" }, "Failed documents and their reasons"),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, "Document"),
              h("th", { scope: "col" }, "Reason"),
              h("th", { scope: "col" }, "Uploaded"),
              h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Action")),
            ),
          ),
          h(
            "tbody",
            {},
            documents.map((d) => row(d, load)),
          ),
        ),
      );
    } catch (error) {
      replace(
        list,
        failure(error, () => void load()),
      );
    }
  };
  void load();
  return undefined;
};

function row(document: Document, reload: () => Promise<void>): HTMLElement {
  return h(
    "tr",
    {},
    h("td", {}, h("a", { href: `#/documents/${idOf(document.name)}` }, document.fileName)),
    h("td", { class: "error-text" }, document.failureReason || "no reason recorded"),
    h("td", {}, when(document.createTime)),
    h(
      "td",
      {},
      h(
        "button",
        {
          type: "button",
          "aria-label": `Reprocess ${document.fileName}`,
          onclick: async () => {
            try {
              await metadata.reprocessDocument({ name: document.name });
              announce(`${document.fileName} sent back through the pipeline.`);
              await reload();
            } catch (error) {
              announce(`Reprocess failed: ${errorMessage(error)}`, "error");
            }
          },
        },
        "Reprocess",
      ),
    ),
  );
}
