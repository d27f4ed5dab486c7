// The SDK in one page: upload a folder into a batch (small files in one call, large ones through
// the presigned path), watch the batch to its end, search, and read a document back.
//   DOCMESH_URL=http://127.0.0.1:8080 [DOCMESH_TOKEN=…] npx tsx sdk/typescript/examples/quickstart.ts <folder>
// Prints one JSON line; test/integration/sdk/example.test.ts runs it against a live server.
import { Docmesh, DocumentStatus, isUploadError, NotFoundError, SearchMode } from "../src/index.ts";

const folder = process.argv[2];
if (!folder) throw new Error("usage: quickstart.ts <folder>");

const docmesh = new Docmesh({
  baseUrl: process.env.DOCMESH_URL ?? "http://127.0.0.1:8080",
  token: () => process.env.DOCMESH_TOKEN, // asked before every call, so a refreshed token is picked up
});

// 1. Upload every file of the folder into a new batch.
const { batch, outcomes } = await docmesh.uploadMany([folder], {
  createBatch: "quickstart",
  largeFileBytes: Number(process.env.LARGE_FILE_BYTES ?? 16 * 1024 * 1024),
});
const uploaded = outcomes.flatMap((o) => (isUploadError(o) ? [] : [o]));
const failed = outcomes.filter(isUploadError).map((o) => `${o.path}: ${o.error.message}`);

// 2. Watch the batch until every document is terminal (reconnects resume from the cursors).
// Duplicates stay in the batch they first joined, so a batch of only duplicates has nothing to watch.
const final = new Map<string, string>();
const fresh = uploaded.some((u) => !u.duplicate);
for await (const event of fresh ? docmesh.watch(batch) : []) {
  if (event.case === "update" && event.value.terminal) {
    final.set(event.value.document, DocumentStatus[event.value.status] ?? "?");
  }
}

// 3. Search across pages, 2 results per page.
const hits: string[] = [];
for await (const result of docmesh.searchAll({ query: "invoice", mode: SearchMode.KEYWORD, pageSize: 2 })) {
  hits.push(result.document?.name ?? "");
}

// 4. Read one document back; a missing one is a typed error.
const first = uploaded[0]?.document.name ?? "";
const document = await docmesh.getDocument(first);
let missing = "";
try {
  await docmesh.getDocument("documents/00000000-0000-4000-8000-000000000000");
} catch (error) {
  if (error instanceof NotFoundError) missing = error.constructor.name;
}

console.log(
  JSON.stringify({
    batch,
    uploads: uploaded.map((u) => ({ name: u.document.name, method: u.method, duplicate: u.duplicate })),
    failed,
    final: Object.fromEntries(final),
    hits,
    got: { name: document.name, status: DocumentStatus[document.status], fileName: document.fileName },
    missing,
  }),
);
