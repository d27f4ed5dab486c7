// The same unknown enum names over REST, through Envoy's gRPC-JSON transcoder: Envoy parses the
// JSON (body and query) into protobuf itself, so its parser, not Connect's, must refuse them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, mintToken } from "../../../gateway/dev-token.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type Edge, startEdge } from "../edge/edge.ts";

let docmesh: TestDocmesh;
let edge: Edge;
let token: string;
let name: string;

async function rest(path: string, init: RequestInit = {}) {
  const response = await fetch(`${edge.url}${path}`, {
    ...init,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  });
  return { status: response.status, text: await response.text() };
}

async function current(): Promise<{ etag: string }> {
  const got = await rest(`/v1/${name}`);
  expect(got.status, got.text).toBe(200);
  const { document } = JSON.parse(got.text) as { document: { etag: string } };
  expect(document.etag).not.toBe("");
  return document;
}

beforeAll(async () => {
  docmesh = await startDocmesh("embedded", { auth: "jwt", jwks: DEV_JWKS_PATH, rateLimit: "off" });
  edge = await startEdge(docmesh.url);
  token = await mintToken({ tenant: `t-${Date.now()}` });
  const upload = await rest("/v1/documents:upload", {
    method: "POST",
    body: JSON.stringify({
      fileName: "a.txt",
      content: Buffer.from("Invoice INV-1 total 10.00 EUR").toString("base64"),
    }),
  });
  expect(upload.status, upload.text).toBe(200);
  name = (JSON.parse(upload.text) as { document: { name: string } }).document.name;
});

afterAll(async () => {
  await edge?.stop();
  await docmesh?.stop();
});

describe("unknown enum names over REST are 400, never applied or ignored", () => {
  it("PATCH a document with category CATEGORY_EVIL", async () => {
    const answer = await rest(`/v1/${name}?updateMask=category`, {
      method: "PATCH",
      // The current etag: were the name dropped, this update would go through and clear the category.
      body: JSON.stringify({ etag: (await current()).etag, category: "CATEGORY_EVIL" }),
    });
    expect(answer.status, answer.text).toBe(400);
    const changes = await rest(`/v1/${name}/changes`);
    expect(changes.status, changes.text).toBe(200);
    expect(JSON.parse(changes.text).changes ?? []).toEqual([]);
  });

  it("GET /v1/documents with an unknown category in the query", async () => {
    const answer = await rest("/v1/documents?filter.categories=CATEGORY_NOPE");
    expect(answer.status, answer.text).toBe(400);
  });

  it("search with an unknown mode", async () => {
    const answer = await rest("/v1/documents:search", {
      method: "POST",
      body: JSON.stringify({ query: "invoice", mode: "SEARCH_MODE_NOPE" }),
    });
    expect(answer.status, answer.text).toBe(400);
  });

  it("known names still work: the same PATCH with CATEGORY_OTHER is applied and logged", async () => {
    const listed = await rest("/v1/documents?filter.categories=CATEGORY_INVOICE");
    expect(listed.status, listed.text).toBe(200);
    const answer = await rest(`/v1/${name}?updateMask=category`, {
      method: "PATCH",
      body: JSON.stringify({ etag: (await current()).etag, category: "CATEGORY_OTHER" }),
    });
    expect(answer.status, answer.text).toBe(200);
    const changes = await rest(`/v1/${name}/changes`);
    expect(JSON.parse(changes.text).changes).toHaveLength(1);
  });
});
