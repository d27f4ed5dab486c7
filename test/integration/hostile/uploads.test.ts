import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FilesystemBlobStore } from "../../../services/platform/blobs/filesystem.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { uploadsSuite } from "./uploads-suite.ts";

uploadsSuite("embedded");

const MiB = 1024 * 1024;
const LIMIT = 50 * MiB; // DOCMESH_MAX_UPLOAD_BYTES, as docs/api.md states it

/** Bytes of every file below `directory`. */
async function bytesUnder(directory: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

// API only: no stage ever parses the 50 MiB documents. One payload at a time, dropped after use.
describe("upload sizes at the edges (embedded, API only)", () => {
  let docmesh: TestDocmesh;
  let blobRoot: string;

  beforeAll(async () => {
    docmesh = await startDocmesh("embedded", {}, ["api"]);
    const blobs = docmesh.running.platform.blobs;
    if (!(blobs instanceof FilesystemBlobStore)) throw new Error("embedded mode keeps blobs on disk");
    blobRoot = blobs.root;
  }, 120_000);
  afterAll(async () => {
    await docmesh?.stop();
  });

  async function uploadJson(size: number): Promise<Response> {
    const content = Buffer.alloc(size, "a"); // text/plain
    content.write(`size ${size} `, 0);
    const body = JSON.stringify({ fileName: "big.txt", content: content.toString("base64") });
    return fetch(`${docmesh.url}/docmesh.ingestion.v1.IngestionService/UploadDocument`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
  }

  it("refuses a PUT larger than announced with 413 and keeps none of it on disk", async () => {
    const created = await docmesh.clients.ingestion.createUpload({
      fileName: "tiny.txt",
      sizeBytes: 10n,
      sha256: "0".repeat(64),
    });
    const response = await fetch(created.uploadUrl, { method: "PUT", body: new Uint8Array(8 * MiB) });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("10 bytes");
    expect(await bytesUnder(blobRoot)).toBe(0);
  });

  it("accepts exactly 50 MiB of content over Connect JSON (base64)", async () => {
    const response = await uploadJson(LIMIT);
    expect(response.status).toBe(200);
    const { document } = (await response.json()) as { document: { name: string; sizeBytes: string } };
    expect(document.sizeBytes).toBe(String(LIMIT));
  }, 60_000);

  it("refuses one byte more as RESOURCE_EXHAUSTED that names CreateUpload, not a transport limit or a rate limit", async () => {
    const response = await uploadJson(LIMIT + 1);
    const error = (await response.json()) as { code: string; message: string };
    expect(error.code).toBe("resource_exhausted");
    expect(error.message).toContain("CreateUpload");
    expect(error.message).toContain(String(LIMIT));
    expect(error.message).not.toContain("readMaxBytes");
    // The Connect protocol fixes resource_exhausted to HTTP 429; what tells it from a rate
    // limit is the missing Retry-After (see docs/api.md).
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBeNull();
  }, 60_000);

  it("refuses one byte more over the binary protocol the same way", async () => {
    const error = await docmesh.clients.ingestion
      .uploadDocument({ fileName: "big.bin.txt", content: new Uint8Array(LIMIT + 1).fill(0x62) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.ResourceExhausted);
    expect((error as ConnectError).rawMessage).toContain("CreateUpload");
  }, 60_000);
});
