// JSON requests are read strictly: an unknown enum name or key is INVALID_ARGUMENT, where Connect's
// default would drop it silently (and {"category":"CATEGORY_EVIL"} would clear a category).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../../services/app.ts";
import { startTestApi } from "../../support/api-server.ts";

let app: App;
let reached = 0;
beforeAll(async () => {
  const handler = async () => {
    reached++;
    return {};
  };
  app = await startTestApi({
    metadata: { updateDocument: handler, listDocuments: handler },
    search: { searchDocuments: async () => ({ results: [], nextPageToken: "" }) },
  });
});
afterAll(async () => {
  await app.stop();
});

const DOC = "documents/00000000-0000-4000-8000-000000000000";

async function post(path: string, body: unknown) {
  const response = await fetch(`${app.server.url}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { code?: string; message?: string } };
}

describe("Connect JSON is parsed strictly", () => {
  it.each([
    [
      "UpdateDocument category",
      "docmesh.metadata.v1.MetadataService/UpdateDocument",
      { name: DOC, etag: "1", category: "CATEGORY_EVIL", updateMask: "category" },
      "CATEGORY_EVIL",
    ],
    [
      "ListDocuments filter category",
      "docmesh.metadata.v1.MetadataService/ListDocuments",
      { filter: { categories: ["CATEGORY_NOPE"] } },
      "CATEGORY_NOPE",
    ],
    [
      "ListDocuments filter status",
      "docmesh.metadata.v1.MetadataService/ListDocuments",
      { filter: { statuses: ["DOCUMENT_STATUS_NOPE"] } },
      "DOCUMENT_STATUS_NOPE",
    ],
    [
      "SearchDocuments mode",
      "docmesh.search.v1.SearchService/SearchDocuments",
      { query: "q", mode: "SEARCH_MODE_NOPE" },
      "SEARCH_MODE_NOPE",
    ],
    [
      "an unknown key",
      "docmesh.metadata.v1.MetadataService/ListDocuments",
      { pageSize: 5, pageSise: 5 },
      "pageSise",
    ],
  ])("%s → invalid_argument, the handler never runs", async (_, path, body, named) => {
    const before = reached;
    const answer = await post(path, body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("invalid_argument");
    expect(answer.body.message).toContain(named);
    expect(reached).toBe(before);
  });

  it("known names still reach the handler", async () => {
    const before = reached;
    const answer = await post("docmesh.metadata.v1.MetadataService/UpdateDocument", {
      name: DOC,
      etag: "1",
      category: "CATEGORY_RECEIPT",
      updateMask: "category",
    });
    expect(answer.status).toBe(200);
    expect(reached).toBe(before + 1);
  });
});
